package dev.switchboard.gateway.screen;

import dev.switchboard.gateway.http.HttpSyntax;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * What a request head must be before any route sees it, beyond what Netty's decoders check (HTTP/1 framing:
 * Content-Length with Transfer-Encoding, chunked not last, Transfer-Encoding in HTTP/1.0, chunk sizes; HTTP/2
 * pseudo-headers). Each refusal names a status and says why, as nginx and Envoy do.
 */
public final class RequestScreen {

  /** The outcome: a refusal, or the target to route on (normalised, see {@link RequestTarget}). */
  public record Verdict(RejectedRequest refusal, String target) {
  }

  private RequestScreen() {
  }

  /**
   * An HTTP/1.x head as Netty decoded it; a refused one is made an HTTP/1.1 request, so that the answer does not
   * repeat a client's "HTTP/2.0" or garbage as its version.
   *
   * @param folded whether the raw head had an obs-fold line
   */
  static Verdict check(HttpRequest request, boolean folded) {
    HttpVersion version = request.protocolVersion();
    // Netty hands over the constants for exactly "HTTP/1.1" and "HTTP/1.0"; anything else is another version.
    if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
      return refused(isWellFormedVersion(version.text())
          ? new RejectedRequest(505, "HTTP version " + version.text() + " is not supported")
          : new RejectedRequest(400, "malformed protocol version"));
    }
    if (folded) {
      return refused(new RejectedRequest(400, "obsolete line folding in a header"));
    }
    return check(version == HttpVersion.HTTP_1_1, request.headers().getAll(HttpHeaderNames.HOST),
        request.method().name(), request.uri());
  }

  /**
   * A request that did not pass the screening decoder: HTTP/2 (whose {@code :authority} Vert.x has parsed already),
   * or HTTP/1.x on a gateway with h2c, where Vert.x decodes the first request before the gateway sees the connection.
   */
  public static Verdict check(HttpServerRequest request) {
    if (request.version() == null) {
      return refused(new RejectedRequest(400, "malformed protocol version"));
    }
    List<String> hosts = switch (request.version()) {
      case HTTP_2 -> List.of("h2");
      case HTTP_1_0, HTTP_1_1 -> request.headers().getAll(HttpHeaderNames.HOST);
    };
    return check(request.version() == io.vertx.core.http.HttpVersion.HTTP_1_1, hosts, request.method().name(),
        request.uri());
  }

  private static Verdict check(boolean hostRequired, List<String> hosts, String method, String target) {
    if (hosts.size() > 1) {
      return refused(new RejectedRequest(400, "more than one Host header"));
    }
    if (hosts.isEmpty() ? hostRequired : !HttpSyntax.isHost(hosts.get(0))) {
      return refused(new RejectedRequest(400, hosts.isEmpty() ? "HTTP/1.1 request without a Host header"
          : "invalid Host header"));
    }
    try {
      return new Verdict(null, RequestTarget.normalise(method, target));
    } catch (RequestTarget.Invalid invalid) {
      return refused(new RejectedRequest(400, invalid.getMessage()));
    }
  }

  private static Verdict refused(RejectedRequest refusal) {
    return new Verdict(refusal, null);
  }

  /** {@code HTTP/d.d}: a version of HTTP, if not one this server speaks over HTTP/1 syntax. */
  private static boolean isWellFormedVersion(String text) {
    return text.length() == 8 && text.startsWith("HTTP/") && HttpSyntax.isDigit(text.charAt(5)) && text.charAt(6) == '.'
        && HttpSyntax.isDigit(text.charAt(7));
  }
}
