package dev.switchboard.gateway.http;

import dev.switchboard.config.GatewayTimeouts;
import dev.switchboard.gateway.meters.GatewayMeters;
import dev.switchboard.gateway.meters.GatewayMeters.Failure;
import dev.switchboard.gateway.meters.GatewayMeters.Rejection;
import dev.switchboard.gateway.protect.BodyClock;
import dev.switchboard.gateway.protect.BodyClocks;
import dev.switchboard.net.MemoryBudget;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads request bodies, on HTTP/1 and HTTP/2 alike, and answers for them when they go wrong. A body read whole is
 * kept up to the route's limit (413 past it: a declared Content-Length over it before any of the body is read),
 * within the gateway's body budget, a {@link MemoryBudget} (503 with {@code Retry-After} when its bytes would pass
 * {@code limits.maxBufferedBodyBytes}: at once when a declared length does not fit, else as the chunk that would
 * pass it arrives), and within its {@link BodyClock}s (408). What it holds is reserved as it arrives and released when
 * the request ends, however it ends: answered, refused, timed out, or closed or reset by the client. A streamed body
 * gets its gap clock here too on HTTP/2 ({@link #watchStreamed}; on HTTP/1.x the connection's guard has it); it holds
 * at most the application's credit, and is not counted in the budget.
 *
 * <p>After a refusal the rest of the body is not read: HTTP/1.x closes the connection, HTTP/2 resets the stream.
 * One instance per gateway instance: its clocks run on that instance's event loop.
 */
public final class BodyReader {

  private final GatewayMeters meters;
  private final ErrorResponses errors;
  private final MemoryBudget budget;
  private final BodyClocks clocks;

  public BodyReader(Vertx vertx, GatewayTimeouts timeouts, GatewayMeters meters, ErrorResponses errors,
                    MemoryBudget budget) {
    this.meters = meters;
    this.errors = errors;
    this.budget = budget;
    this.clocks = new BodyClocks(vertx, timeouts);
  }

  /** Whether the request declares a body over the limit, so that it can be refused before any of it is read. */
  public static boolean declaredOver(HttpServerRequest request, int limit) {
    return declaredLength(request) > limit;
  }

  private static long declaredLength(HttpServerRequest request) {
    String declared = request.getHeader("Content-Length");
    return declared != null && HttpSyntax.isLength(declared) ? Long.parseLong(declared) : -1;
  }

  /** Reads the body whole and hands it to {@code onBody}; or answers 413, 503 or 408 itself, and calls nothing. */
  public void read(RoutingContext ctx, int limit, Handler<Buffer> onBody) {
    HttpServerRequest request = ctx.request();
    long declared = declaredLength(request);
    if (declared > limit) {
      tooLarge(ctx, limit);
      return;
    }
    if (declared > 0 && !budget.fits(declared)) {
      overBudget(ctx);
      return;
    }
    if (declared == 0 || declared < 0 && request.version() != HttpVersion.HTTP_2
        && request.getHeader("Transfer-Encoding") == null) {
      // HTTP/1.x without a length or a transfer coding has no body (RFC 9112 §6.3): nothing to hold or to time, so
      // a GET costs no clock and no reservation.
      request.endHandler(v -> onBody.handle(Buffer.buffer()));
      return;
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      request.response().writeContinue();
    }
    new Reading(ctx, limit, onBody).start();
  }

  /** Answers 413: the body is over {@code limit}. */
  public void tooLarge(RoutingContext ctx, int limit) {
    ConnectionEnd.skipRestOfBody(ctx);
    errors.send(ctx, 413, Failure.BODY_TOO_LARGE, "request body over " + limit + " bytes");
  }

  /**
   * The gap clock of a body streamed to the application; it is done when the request ends.
   *
   * @param onExpired told before the client gets its 408 (to tell the application the body will not come)
   */
  public BodyClocks.Watch watchStreamed(RoutingContext ctx, Runnable onExpired) {
    BodyClocks.Watch[] watch = new BodyClocks.Watch[1];
    watch[0] = clocks.watch(false, gapHere(ctx), expiry -> {
      onExpired.run();
      timedOut(ctx, expiry, watch[0]);
    });
    ctx.addEndHandler(done -> watch[0].done());
    return watch[0];
  }

  /** HTTP/2 has no connection guard phase for a body: its streams' gaps are watched here. */
  private static boolean gapHere(RoutingContext ctx) {
    return ctx.request().version() == HttpVersion.HTTP_2;
  }

  private void overBudget(RoutingContext ctx) {
    ConnectionEnd.skipRestOfBody(ctx);
    errors.shedAtLimit(ctx, 503, Rejection.BODY_BUDGET,
        "gateway at capacity (" + budget.max() + " bytes of request bodies buffered)");
  }

  private void timedOut(RoutingContext ctx, BodyClock.Expiry expiry, BodyClocks.Watch watch) {
    meters.onConnectionClosed(expiry.counted());
    ConnectionEnd.skipRestOfBody(ctx);
    errors.send(ctx, 408, Failure.BODY_TIMEOUT, expiry.message() + " (" + watch.bytes() + " bytes in "
        + watch.elapsedMillis() + " ms)");
  }

  /** One body being read whole. All on the request's event loop. */
  private final class Reading {

    private final RoutingContext ctx;
    private final int limit;
    private final Handler<Buffer> onBody;
    private final Buffer collected = Buffer.buffer();
    private BodyClocks.Watch watch;
    private long reserved;
    private boolean stopped;

    Reading(RoutingContext ctx, int limit, Handler<Buffer> onBody) {
      this.ctx = ctx;
      this.limit = limit;
      this.onBody = onBody;
    }

    void start() {
      HttpServerRequest request = ctx.request();
      watch = clocks.watch(true, gapHere(ctx), expiry -> {
        stop();
        timedOut(ctx, expiry, watch);
      });
      // The one place the reservation is given back: response ended, connection closed or stream reset.
      ctx.addEndHandler(done -> {
        stop();
        budget.release(reserved);
        reserved = 0;
      });
      request.handler(this::onChunk);
      request.endHandler(v -> {
        if (!stopped) {
          watch.done();
          stopped = true;
          onBody.handle(collected);
        }
      });
      request.exceptionHandler(failure -> stop());
    }

    private void onChunk(Buffer chunk) {
      if (stopped) {
        return;
      }
      if (collected.length() + chunk.length() > limit) {
        stop();
        tooLarge(ctx, limit);
      } else if (!budget.tryReserve(chunk.length())) {
        stop();
        overBudget(ctx);
      } else {
        reserved += chunk.length();
        collected.appendBuffer(chunk);
        watch.onBytes(chunk.length());
      }
    }

    /** Nothing more is read or kept; what is held is released with the request. */
    private void stop() {
      stopped = true;
      watch.done();
    }
  }
}
