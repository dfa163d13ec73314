package dev.switchboard.gateway.wsgi;

import dev.switchboard.gateway.http.HttpSyntax;
import dev.switchboard.wsgi.WsgiResponse;
import io.vertx.core.http.HttpServerResponse;

/** Writes an application's status line and headers onto an HTTP response, in order, repeats kept. */
final class ResponseHead {

  private ResponseHead() {
  }

  static void apply(WsgiResponse reply, HttpServerResponse response) {
    response.setStatusCode(Integer.parseInt(reply.status().substring(0, 3)));
    String reason = reply.status().substring(4);
    if (!reason.isEmpty()) {
      response.setStatusMessage(reason);
    }
    reply.headers().forEach(h -> response.headers().add(h.name(), h.value()));
  }

  /** The Content-Length the application declared, or -1. */
  static long declaredLength(WsgiResponse reply) {
    return reply.headers().stream()
        .filter(h -> h.name().equalsIgnoreCase("Content-Length") && HttpSyntax.isLength(h.value()))
        .mapToLong(h -> Long.parseLong(h.value()))
        .findFirst().orElse(-1);
  }
}
