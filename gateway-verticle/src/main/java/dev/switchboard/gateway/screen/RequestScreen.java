package dev.switchboard.gateway.screen;

import dev.switchboard.gateway.http.HttpSyntax;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * What an HTTP/1.x request head must be before Vert.x or any route sees it, beyond what Netty's decoder checks
 * (framing: Content-Length with Transfer-Encoding, chunked not last, Transfer-Encoding in HTTP/1.0, chunk sizes).
 * Each refusal names a status and says why, and the connection closes after it, as nginx and Envoy do.
 */
final class RequestScreen {

  private RequestScreen() {
  }

  /**
   * Checks the head, and normalises its target in place (see {@link RequestTarget}).
   *
   * @param folded whether the raw head had an obs-fold line
   * @return why the request is refused, or null when it may go on
   */
  static RejectedRequest check(HttpRequest request, boolean folded) {
    HttpVersion version = request.protocolVersion();
    // Netty hands over the constants for exactly "HTTP/1.1" and "HTTP/1.0"; anything else is another version.
    if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
      return isWellFormedVersion(version.text())
          ? new RejectedRequest(505, "HTTP version " + version.text() + " is not supported")
          : new RejectedRequest(400, "malformed protocol version");
    }
    if (folded) {
      return new RejectedRequest(400, "obsolete line folding in a header");
    }
    List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      return new RejectedRequest(400, "more than one Host header");
    }
    if (hosts.isEmpty() ? version == HttpVersion.HTTP_1_1 : !HttpSyntax.isHost(hosts.get(0))) {
      return new RejectedRequest(400, hosts.isEmpty() ? "HTTP/1.1 request without a Host header" : "invalid Host header");
    }
    try {
      String target = request.uri();
      String normal = RequestTarget.normalise(request.method().name(), target);
      if (!normal.equals(target)) {
        request.setUri(normal);
      }
    } catch (RequestTarget.Invalid invalid) {
      return new RejectedRequest(400, invalid.getMessage());
    }
    return null;
  }

  /** {@code HTTP/d.d}: a version of HTTP, if not one this server speaks over HTTP/1 syntax. */
  private static boolean isWellFormedVersion(String text) {
    return text.length() == 8 && text.startsWith("HTTP/") && HttpSyntax.isDigit(text.charAt(5)) && text.charAt(6) == '.'
        && HttpSyntax.isDigit(text.charAt(7));
  }
}
