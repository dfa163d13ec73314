package dev.switchboard.gateway.protect;

import dev.switchboard.config.GatewayTimeouts;
import dev.switchboard.gateway.meters.GatewayMeters.ConnectionClose;

/**
 * The clocks of one request body, the same on HTTP/1 and HTTP/2: the gap between bytes ({@code timeouts.body}); for a
 * body read whole also a minimum average rate ({@code timeouts.bodyMinRate}, counted from the headers after an
 * allowance of {@code timeouts.body}, as Apache's {@code mod_reqtimeout} does) and a total deadline
 * ({@code timeouts.bodyTotal}). A client trickling one byte just inside every gap thus still gets its 408 about
 * {@code timeouts.body} after its headers. A streamed body is paced by the application's credit instead, so it has
 * the gap only, and that stops while no credit is granted. On HTTP/1.x the gap is left to the connection's guard,
 * which keeps it on the connection's one timer and also watches bodies nobody reads. Times are
 * {@link System#nanoTime()}; no timers here, the owner checks {@link #expired} (see {@link BodyClocks}).
 */
public final class BodyClock {

  /** Which clock ran out, and how it is counted. */
  public enum Expiry {
    GAP(ConnectionClose.BODY_TIMEOUT, "request body timeout"),
    SLOW(ConnectionClose.BODY_TOO_SLOW, "request body too slow"),
    TOTAL(ConnectionClose.BODY_DEADLINE, "request body not complete in time");

    private final ConnectionClose counted;
    private final String message;

    Expiry(ConnectionClose counted, String message) {
      this.counted = counted;
      this.message = message;
    }

    public ConnectionClose counted() {
      return counted;
    }

    /** The response's one line. */
    public String message() {
      return message;
    }
  }

  private final long gapNanos;
  private final boolean gapHere;
  private final long minRate;
  private final long totalNanos;
  private final long startedAt;
  private long lastByteAt;
  private long bytes;
  private boolean stopped;

  /**
   * @param whole   a body read whole into memory (all three clocks), rather than streamed with credit (the gap only)
   * @param gapHere whether this clock watches the gap (HTTP/2), or another does (HTTP/1.x: the connection's guard);
   *                the gap is the minimum rate's allowance either way
   * @param now     when the headers were in
   */
  public BodyClock(GatewayTimeouts timeouts, boolean whole, boolean gapHere, long now) {
    this.gapNanos = timeouts.body().toNanos();
    this.gapHere = gapHere;
    this.minRate = whole && gapNanos > 0 ? timeouts.bodyMinRate() : 0;
    this.totalNanos = whole ? timeouts.bodyTotal().toNanos() : 0;
    this.startedAt = now;
    this.lastByteAt = now;
  }

  public void onBytes(long count, long now) {
    bytes += count;
    lastByteAt = now;
  }

  /** Stops the gap clock while nobody asks for the body, or restarts it (a streamed body without credit). */
  public void running(boolean running, long now) {
    stopped = !running;
    if (running) {
      lastByteAt = now;
    }
  }

  public long bytes() {
    return bytes;
  }

  public long startedAt() {
    return startedAt;
  }

  /** Which clock has run out at {@code now}, or null while the body is in time. */
  public Expiry expired(long now) {
    if (totalNanos > 0 && now - startedAt >= totalNanos) {
      return Expiry.TOTAL;
    }
    // A body that stalled says so, even when it is also too slow by then.
    if (gapHere && gapNanos > 0 && !stopped && now - lastByteAt >= gapNanos) {
      return Expiry.GAP;
    }
    if (minRate > 0 && now - startedAt >= gapNanos + bytes * 1_000_000_000L / minRate) {
      return Expiry.SLOW;
    }
    return null;
  }

  /** Whether any clock runs for this body at all (all turned off: nothing to watch). */
  public boolean watched() {
    return gapHere && gapNanos > 0 || minRate > 0 || totalNanos > 0;
  }
}
