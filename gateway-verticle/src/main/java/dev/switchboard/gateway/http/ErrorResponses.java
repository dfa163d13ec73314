package dev.switchboard.gateway.http;

import dev.switchboard.gateway.meters.GatewayMeters;
import dev.switchboard.gateway.meters.GatewayMeters.Failure;
import dev.switchboard.gateway.meters.GatewayMeters.Rejection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Every error the gateway itself answers: a status, a one-line plain-text body that says what went wrong in terms a
 * client can act on, never a stack trace, and one log line with the request id.
 */
public final class ErrorResponses {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  private final GatewayMeters meters;

  public ErrorResponses(GatewayMeters meters) {
    this.meters = meters;
  }

  /** Logged at INFO; a 404 or 405, routine on a server facing the internet, at DEBUG (still counted). */
  public void send(RoutingContext ctx, int status, Failure failure, String message) {
    LOG.atLevel(status == 404 || status == 405 ? Level.DEBUG : Level.INFO).log("request {} {} {} from {}: {} {}",
        RequestIds.of(ctx), ctx.request().method(), ctx.request().path(), clientOf(ctx), status, message);
    answer(ctx.response(), status, failure, message);
  }

  /**
   * A bug in the gateway: a handler threw. The client gets a plain 500 and no detail; the one log line about it is at
   * ERROR and carries the stack, so that the bug is seen.
   */
  public void internalError(RoutingContext ctx) {
    LOG.error("request {} {} {}: internal error", RequestIds.of(ctx), ctx.request().method(), ctx.request().path(),
        ctx.failure());
    answer(ctx.response(), 500, Failure.INTERNAL, "internal error");
  }

  /**
   * Like {@link #send}, for a request refused before any route (its head is malformed): the log line names the
   * client, not the target, which may be anything; an HTTP/1 connection closes after the answer (HTTP/2 ends the
   * stream only).
   */
  public void refuse(HttpServerRequest request, String requestId, ClientAddress client, int status, Failure failure,
                     String message) {
    LOG.info("request {} from {}: {} {}", requestId, client.host(), status, message);
    request.response().putHeader(RequestIds.HEADER, requestId);
    if (request.version() != HttpVersion.HTTP_2) {
      request.response().putHeader("Connection", "close");
    }
    answer(request.response(), status, failure, message);
  }

  /**
   * Like {@link #send}, for load shedding (429, 503 at capacity), which is logged at debug level only: it is counted
   * under the rejection's reason, and a line per refused request would flood the log exactly when the gateway is
   * overloaded (a 3-second HTTP/2 overload wrote 54,000 of them).
   */
  public void shed(RoutingContext ctx, int status, Failure failure, String message) {
    LOG.debug("request {} {} {}: {} {}", RequestIds.of(ctx), ctx.request().method(), ctx.request().path(), status, message);
    answer(ctx.response(), status, failure, message);
  }

  /** Load shedding at a limit: counted under its reason, with {@code Retry-After: 1} (see {@link #shed}). */
  public void shedAtLimit(RoutingContext ctx, int status, Rejection why, String message) {
    meters.onRejected(why);
    ctx.response().putHeader("Retry-After", "1");
    shed(ctx, status, status == 429 ? Failure.RATE_LIMITED : Failure.AT_CAPACITY, message);
  }

  private static String clientOf(RoutingContext ctx) {
    ClientAddress client = ClientAddress.of(ctx);
    return client != null ? client.host() : String.valueOf(ctx.request().remoteAddress());
  }

  private void answer(HttpServerResponse response, int status, Failure failure, String message) {
    meters.onFailure(failure);
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      // Too late for a status: the client sees the response cut off instead of complete.
      response.reset();
      return;
    }
    response.setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(message + "\n");
  }
}
