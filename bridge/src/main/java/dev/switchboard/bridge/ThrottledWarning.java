package dev.switchboard.bridge;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A WARN line for faults a client can repeat at will (bad frames, refused frames and connections): the first at once,
 * then at most one per interval, which says how many were not logged since the last line. The counters have every one.
 */
final class ThrottledWarning {

  /** One line per this interval at most. */
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  private final Logger log;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private long lastLoggedAt;
  private boolean loggedOnce;
  private long suppressed;

  ThrottledWarning(Logger log, Duration interval, LongSupplier nanoClock) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.nanoClock = nanoClock;
  }

  ThrottledWarning(Logger log) {
    this(log, DEFAULT_INTERVAL, System::nanoTime);
  }

  /** Logs the line unless one was logged within the interval; the line is built only when it is logged. */
  synchronized void warn(Supplier<String> line) {
    long now = nanoClock.getAsLong();
    if (loggedOnce && now - lastLoggedAt < intervalNanos) {
      suppressed++;
      return;
    }
    if (suppressed > 0) {
      log.warn("{} ({} more refusals not logged in the last {} s)", line.get(), suppressed,
          (now - lastLoggedAt) / 1_000_000_000L);
    } else {
      log.warn("{}", line.get());
    }
    loggedOnce = true;
    lastLoggedAt = now;
    suppressed = 0;
  }
}
