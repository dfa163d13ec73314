package dev.switchboard.gateway.builtin;

import dev.switchboard.counters.GatewayCounters.Failure;
import dev.switchboard.gateway.http.BodyReader;
import dev.switchboard.gateway.http.ConnectionEnd;
import dev.switchboard.gateway.http.ErrorResponses;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiConsumer;

/** Reads a built-in route's body within its limit, answering 413 past it. */
final class BodyRoutes {

  private BodyRoutes() {
  }

  static void withBody(RoutingContext ctx, ErrorResponses errors, int limit, BiConsumer<RoutingContext, Buffer> handler) {
    BodyReader.read(ctx.request(), limit).onComplete(body -> {
      if (body.succeeded()) {
        handler.accept(ctx, body.result());
      } else if (body.cause() instanceof BodyReader.TooLarge tooLarge) {
        // The rest of the body is not read: an HTTP/1.x connection cannot be reused.
        ConnectionEnd.afterResponse(ctx);
        errors.send(ctx, 413, Failure.BODY_TOO_LARGE, tooLarge.getMessage());
      }
    });
  }
}
