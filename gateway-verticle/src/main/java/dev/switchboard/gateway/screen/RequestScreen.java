package dev.switchboard.gateway.screen;

import dev.switchboard.gateway.http.HttpSyntax;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * What a request head must be before any route sees it, beyond what Netty's decoders check (HTTP/1 framing:
 * Content-Length with Transfer-Encoding, chunked not last, Transfer-Encoding in HTTP/1.0, chunk sizes; HTTP/2
 * pseudo-headers). Each refusal names a status and says why, as nginx and Envoy do.
 */
final class RequestScreen {

  static final String MALFORMED_CHUNKS = "malformed chunked request body";

  private RequestScreen() {
  }

  /**
   * Screens a decoded head in place: a refused one gets the refusal as its decoder result (Vert.x then hands it to the
   * invalid-request handler, as it does Netty's own parse failures) and becomes an HTTP/1.1 request, so that the
   * answer does not repeat a client's "HTTP/2.0" or garbage as its version; an accepted one gets its target normalised.
   *
   * @param folded whether the raw head had an obs-fold line
   */
  static void apply(HttpRequest request, boolean folded, Rejections rejections) {
    if (request.decoderResult().isSuccess()) {
      RejectedRequest refusal = check(request, folded);
      if (refusal == null) {
        return;
      }
      request.setDecoderResult(DecoderResult.failure(refusal));
    }
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    rejections.lingerOnClose();
  }

  /** Why the head is refused, or null when it may go on (its target then normalised in place). */
  private static RejectedRequest check(HttpRequest request, boolean folded) {
    HttpVersion version = request.protocolVersion();
    // Netty reads any PROTOCOL/digits.digits and rebuilds its text from the numbers; it hands over its constants for
    // exactly "HTTP/1.1" and "HTTP/1.0", so another object equal to one of them was spelt another way.
    if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
      boolean http = version.protocolName().equals("HTTP") && version.majorVersion() < 10 && version.minorVersion() < 10;
      if (!http || version.equals(HttpVersion.HTTP_1_1) || version.equals(HttpVersion.HTTP_1_0)) {
        return new RejectedRequest(400, "malformed protocol version");
      }
      if (version.majorVersion() != 1) {
        return new RejectedRequest(505, "HTTP version " + version.text() + " is not supported");
      }
      // RFC 9110 §2.5: a higher minor version of a major version we speak is read as the highest we speak.
      request.setProtocolVersion(HttpVersion.HTTP_1_1);
      version = HttpVersion.HTTP_1_1;
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
      String normal = RequestTarget.normalise(request.method().name(), request.uri());
      if (!normal.equals(request.uri())) {
        request.setUri(normal);
      }
      return null;
    } catch (RequestTarget.Invalid invalid) {
      return new RejectedRequest(400, invalid.getMessage());
    }
  }
}
