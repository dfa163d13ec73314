package dev.switchboard.gateway.protect;

import dev.switchboard.config.GatewayTimeouts;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Watches the {@link BodyClock}s of the bodies being read on one event loop (one per gateway instance), on HTTP/1 and
 * HTTP/2 alike, with one timer for all of them: it ticks only while some body is being read, at a tenth of the
 * shortest body clock (between 10 ms and 1 s), so a request costs no timer of its own and a clock is late by one tick
 * at most. Everything here runs on that event loop.
 */
public final class BodyClocks {

  static final long MIN_TICK_MS = 10;
  static final long MAX_TICK_MS = 1000;

  private final Vertx vertx;
  private final GatewayTimeouts timeouts;
  private final long tickMs;
  private final Set<Watch> watched = new LinkedHashSet<>();
  private long timerId = -1;

  public BodyClocks(Vertx vertx, GatewayTimeouts timeouts) {
    this.vertx = vertx;
    this.timeouts = timeouts;
    long shortest = Long.MAX_VALUE;
    for (java.time.Duration clock : List.of(timeouts.body(), timeouts.bodyTotal())) {
      if (!clock.isZero()) {
        shortest = Math.min(shortest, clock.toMillis());
      }
    }
    this.tickMs = Math.max(MIN_TICK_MS, Math.min(MAX_TICK_MS, shortest / 10));
  }

  /**
   * Starts the clocks of a body whose headers are in now.
   *
   * @param whole     read whole into memory (gap, minimum rate, total) rather than streamed with credit (gap only)
   * @param gapHere   the gap is watched here (HTTP/2), not by the connection's guard (HTTP/1.x)
   * @param onExpired called once, on this event loop, when a clock runs out; the watch is then already done
   */
  public Watch watch(boolean whole, boolean gapHere, Consumer<BodyClock.Expiry> onExpired) {
    Watch watch = new Watch(new BodyClock(timeouts, whole, gapHere, System.nanoTime()), onExpired);
    if (watch.clock.watched()) {
      watched.add(watch);
      if (timerId < 0) {
        timerId = vertx.setTimer(tickMs, id -> tick());
      }
    }
    return watch;
  }

  /** Bodies being watched, for tests. */
  int watching() {
    return watched.size();
  }

  private void tick() {
    timerId = -1;
    long now = System.nanoTime();
    List<Watch> expired = new ArrayList<>();
    List<BodyClock.Expiry> why = new ArrayList<>();
    for (Watch watch : watched) {
      BodyClock.Expiry expiry = watch.clock.expired(now);
      if (expiry != null) {
        expired.add(watch);
        why.add(expiry);
      }
    }
    // Called after the scan: a handler may end other watches (an HTTP/1 close ends its request).
    for (int i = 0; i < expired.size(); i++) {
      Watch watch = expired.get(i);
      if (watched.remove(watch)) {
        watch.onExpired.accept(why.get(i));
      }
    }
    if (!watched.isEmpty() && timerId < 0) {
      timerId = vertx.setTimer(tickMs, id -> tick());
    }
  }

  /** One body's clocks, fed by its reader. */
  public final class Watch {

    private final BodyClock clock;
    private final Consumer<BodyClock.Expiry> onExpired;

    private Watch(BodyClock clock, Consumer<BodyClock.Expiry> onExpired) {
      this.clock = clock;
      this.onExpired = onExpired;
    }

    public void onBytes(long count) {
      clock.onBytes(count, System.nanoTime());
    }

    /** Stops the gap clock while nobody asks for the body, or restarts it. */
    public void running(boolean running) {
      clock.running(running, System.nanoTime());
    }

    /** The body is complete, or nobody reads it any more: its clocks stop. Safe to call more than once. */
    public void done() {
      watched.remove(this);
    }

    public long bytes() {
      return clock.bytes();
    }

    /** Milliseconds since the headers were in. */
    public long elapsedMillis() {
      return (System.nanoTime() - clock.startedAt()) / 1_000_000;
    }
  }
}
