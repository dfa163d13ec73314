package dev.switchboard.gateway.http;

import dev.switchboard.bus.FailureCodes;
import dev.switchboard.bus.NodeLostException;
import dev.switchboard.gateway.meters.GatewayMeters.Failure;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.ext.web.RoutingContext;

/**
 * The one place where a failed bus request becomes an HTTP status: no consumer is 503, no answer in time is 504, a
 * consumer on a node that left the cluster is 502 at once, and a consumer's own failure is 502 (or, for Switchboard's own services, the status its failure code names).
 */
public record FailureStatus(int status, Failure failure, String message) {

  /** Sends this failure; a 503, or a request lost with a cluster node, says when to try again. */
  public void send(RoutingContext ctx, ErrorResponses errors) {
    if (status == 503 || failure == Failure.NODE_LOST) {
      ctx.response().putHeader("Retry-After", "1");
    }
    errors.send(ctx, status, failure, message);
  }

  /**
   * @param address    where the request went
   * @param passCodes  whether the consumer's failure codes are HTTP statuses to pass on (Switchboard's own services)
   */
  public static FailureStatus of(Throwable error, String address, boolean passCodes) {
    if (error instanceof NodeLostException) {
      // The request may have been processed before its node went: 502, not the 503 of a request nobody took.
      return new FailureStatus(502, Failure.NODE_LOST, "the cluster node serving " + address + " left before answering");
    }
    if (!(error instanceof ReplyException reply)) {
      return new FailureStatus(502, Failure.APPLICATION_FAILED, "application at " + address + " failed");
    }
    return switch (reply.failureType()) {
      case NO_HANDLERS -> new FailureStatus(503, Failure.NO_APPLICATION, "no application at " + address);
      case TIMEOUT -> new FailureStatus(504, Failure.TIMEOUT, "application at " + address + " did not answer in time");
      // An application that turns a request away because it is saturated says so with 503: passed on, to be retried.
      default -> reply.failureCode() == FailureCodes.DISCONNECTED
          ? new FailureStatus(502, Failure.APPLICATION_FAILED, "application at " + address + " disconnected before answering")
          : reply.failureCode() == 503
          ? new FailureStatus(503, Failure.NO_APPLICATION, "application at " + address + " is busy")
          : passCodes && reply.failureCode() >= 400 && reply.failureCode() < 500
          ? new FailureStatus(reply.failureCode(), Failure.BAD_REQUEST, String.valueOf(reply.getMessage()))
          : new FailureStatus(502, Failure.APPLICATION_FAILED,
              "application at " + address + " failed (code " + reply.failureCode() + ")");
    };
  }
}
