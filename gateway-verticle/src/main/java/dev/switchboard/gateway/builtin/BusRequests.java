package dev.switchboard.gateway.builtin;

import dev.switchboard.gateway.http.ErrorResponses;
import dev.switchboard.gateway.http.FailureStatus;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/** A built-in route's bus request: on failure the client gets the status the failure maps to; on success, the answer. */
final class BusRequests {

  private BusRequests() {
  }

  static void answer(RoutingContext ctx, ErrorResponses errors, String address, Future<Message<Object>> request,
                     Consumer<Message<Object>> onAnswer) {
    request.onComplete(reply -> {
      if (ctx.response().closed()) {
        return;
      }
      if (reply.succeeded()) {
        onAnswer.accept(reply.result());
      } else {
        FailureStatus.of(reply.cause(), address, true).send(ctx, errors);
      }
    });
  }
}
