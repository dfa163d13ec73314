package dev.switchboard.gateway.http;

import dev.switchboard.counters.GatewayCounters.Failure;
import io.vertx.core.eventbus.ReplyException;

/**
 * The one place where a failed bus request becomes an HTTP status: no consumer is 503, no answer in time is 504, and
 * a consumer's own failure is 502 (or, for Switchboard's own services, the status its failure code names).
 */
public record FailureStatus(int status, Failure failure, String message) {

  /**
   * @param address    where the request went
   * @param passCodes  whether the consumer's failure codes are HTTP statuses to pass on (Switchboard's own services)
   */
  public static FailureStatus of(Throwable error, String address, boolean passCodes) {
    if (!(error instanceof ReplyException reply)) {
      return new FailureStatus(502, Failure.APPLICATION_FAILED, "application at " + address + " failed");
    }
    return switch (reply.failureType()) {
      case NO_HANDLERS -> new FailureStatus(503, Failure.NO_APPLICATION, "no application at " + address);
      case TIMEOUT -> new FailureStatus(504, Failure.TIMEOUT, "application at " + address + " did not answer in time");
      // An application that turns a request away because it is saturated says so with 503: passed on, to be retried.
      default -> reply.failureCode() == 503
          ? new FailureStatus(503, Failure.NO_APPLICATION, "application at " + address + " is busy")
          : passCodes && reply.failureCode() >= 400 && reply.failureCode() < 500
          ? new FailureStatus(reply.failureCode(), Failure.BAD_REQUEST, String.valueOf(reply.getMessage()))
          : new FailureStatus(502, Failure.APPLICATION_FAILED,
              "application at " + address + " failed (code " + reply.failureCode() + ")");
    };
  }
}
