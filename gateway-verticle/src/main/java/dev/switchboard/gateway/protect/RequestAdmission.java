package dev.switchboard.gateway.protect;

import dev.switchboard.config.GatewayConfig;
import dev.switchboard.connection.Timers;
import dev.switchboard.gateway.meters.GatewayMeters.ConnectionClose;
import dev.switchboard.gateway.meters.GatewayMeters.Failure;
import dev.switchboard.gateway.meters.GatewayMeters.Rejection;
import dev.switchboard.gateway.meters.GatewayMeters;
import dev.switchboard.gateway.http.BodyReader;
import dev.switchboard.gateway.http.ClientAddress;
import dev.switchboard.gateway.http.ConnectionEnd;
import dev.switchboard.gateway.http.ErrorResponses;
import dev.switchboard.net.SourceRateLimiter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/**
 * What every request passes before any route: the client's rate limit (429), the gateway-wide in-flight limit (503
 * with {@code Retry-After}), the whole-request deadline, and, while the gateway drains, {@code Connection: close}
 * (Vert.x then closes the connection after the response). A route that reads a body does it through
 * {@link #bodies()}, which admits its bytes against the gateway's body budget and runs its clocks. An instance serves
 * one event loop, whose requests share one deadline timer ({@link RequestDeadlines}).
 */
public final class RequestAdmission {

  private final Vertx vertx;
  private final GatewayConfig config;
  private final GatewayMeters meters;
  private final ErrorResponses errors;
  private final InFlightLimits inFlight;
  private final SourceRateLimiter rateLimiter;
  private final BooleanSupplier draining;
  private final BodyReader bodies;
  /** Null when requests have no deadline. */
  private final RequestDeadlines deadlines;

  /** @param rateLimiter null when clients are not rate-limited */
  public RequestAdmission(Vertx vertx, GatewayConfig config, GatewayMeters meters, ErrorResponses errors,
                          InFlightLimits inFlight, SourceRateLimiter rateLimiter, BooleanSupplier draining,
                          BodyReader bodies) {
    this.vertx = vertx;
    this.config = config;
    this.meters = meters;
    this.errors = errors;
    this.inFlight = inFlight;
    this.rateLimiter = rateLimiter;
    this.draining = draining;
    this.bodies = bodies;
    this.deadlines = config.timeouts().request().isZero() ? null
        : new RequestDeadlines(config.timeouts().request().toNanos(), System::nanoTime, Timers.of(vertx));
  }

  /** Reads request bodies within the body budget and clocks. */
  public BodyReader bodies() {
    return bodies;
  }

  public void handle(RoutingContext ctx) {
    // Checked as the head goes out, so that requests already in flight when the drain begins say it too.
    ctx.addHeadersEndHandler(v -> {
      if (draining.getAsBoolean() && ctx.request().version() != HttpVersion.HTTP_2) {
        ctx.response().putHeader("Connection", "close");
      }
    });
    if (rateLimiter != null && !rateLimiter.allow(ClientAddress.of(ctx).host(), System.nanoTime())) {
      refuse(ctx, 429, Rejection.RATE_LIMITED, "too many requests from this client");
      return;
    }
    if (!inFlight.tryEnter()) {
      refuse(ctx, 503, Rejection.IN_FLIGHT, "gateway at capacity (" + inFlight.maxTotal() + " requests in progress)");
      return;
    }
    RequestDeadlines.Deadline deadline = deadlines == null ? null : deadlines.start(() -> deadlinePassed(ctx));
    ctx.addEndHandler(done -> {
      inFlight.exit();
      if (deadline != null) {
        deadline.finish();
      }
    });
    ctx.next();
  }

  /** A per-address bulkhead check for a route about to send to {@code address}; false when it answered 503. */
  public boolean admitTo(RoutingContext ctx, String address) {
    if (!inFlight.tryEnter(address)) {
      refuse(ctx, 503, Rejection.IN_FLIGHT_PER_ADDRESS, "application at " + address + " at capacity ("
          + inFlight.maxPerAddress() + " requests in progress)");
      return false;
    }
    ctx.addEndHandler(done -> inFlight.exit(address));
    return true;
  }

  private void refuse(RoutingContext ctx, int status, Rejection why, String message) {
    errors.shedAtLimit(ctx, status, why, message);
  }

  private void deadlinePassed(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    meters.onConnectionClosed(ConnectionClose.REQUEST_DEADLINE);
    ConnectionEnd.afterResponse(ctx);
    errors.send(ctx, 504, Failure.TIMEOUT, "request deadline of " + config.timeouts().request().toMillis() + " ms passed");
  }
}
