package dev.switchboard.gateway.http;

import dev.switchboard.counters.GatewayCounters;
import dev.switchboard.counters.GatewayCounters.Failure;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the gateway itself answers: a status, a one-line plain-text body that says what went wrong in terms a
 * client can act on, never a stack trace, and one log line with the request id.
 */
public final class ErrorResponses {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  private final GatewayCounters counters;

  public ErrorResponses(GatewayCounters counters) {
    this.counters = counters;
  }

  public void send(RoutingContext ctx, int status, Failure failure, String message) {
    counters.onFailure(failure);
    HttpServerResponse response = ctx.response();
    LOG.info("request {} {} {}: {} {}", RequestIds.of(ctx), ctx.request().method(), ctx.request().path(), status, message);
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      // Too late for a status: the client sees the response cut off instead of complete.
      ConnectionEnd.cut(ctx);
      return;
    }
    response.setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(message + "\n");
  }
}
