package dev.switchboard.gateway.wsgi;

import dev.switchboard.gateway.http.HttpSyntax;
import dev.switchboard.wsgi.Header;
import dev.switchboard.wsgi.WsgiResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpServerResponse;

/** Writes an application's status line and headers onto an HTTP response, in order, repeats kept. */
final class ResponseHead {

  private ResponseHead() {
  }

  /** @param reply checked: its status is {@code NNN reason} */
  static void apply(WsgiResponse reply, HttpServerResponse response) {
    String status = reply.status();
    int code = (status.charAt(0) - '0') * 100 + (status.charAt(1) - '0') * 10 + (status.charAt(2) - '0');
    response.setStatusCode(code);
    // Vert.x sends the standard reason by itself; only another one is set (which makes a status object per answer).
    String standard = HttpResponseStatus.valueOf(code).reasonPhrase();
    boolean isStandard = status.length() - 4 == standard.length() && status.startsWith(standard, 4);
    if (!isStandard && status.length() > 4) {
      response.setStatusMessage(status.substring(4));
    }
    for (Header header : reply.headers()) {
      response.headers().add(header.name(), header.value());
    }
  }

  /** The Content-Length the application declared, or -1. */
  static long declaredLength(WsgiResponse reply) {
    return reply.headers().stream()
        .filter(h -> h.name().equalsIgnoreCase("Content-Length") && HttpSyntax.isLength(h.value()))
        .mapToLong(h -> Long.parseLong(h.value()))
        .findFirst().orElse(-1);
  }
}
