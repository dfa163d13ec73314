package dev.switchboard.echo;

import dev.switchboard.bus.CloseReason;
import dev.switchboard.connection.ConnectionClock;
import dev.switchboard.connection.Timers;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The idle and frame deadlines of one echo connection, on its one {@link ConnectionClock}: activity only stores a
 * timestamp, and the timer, when it fires, either expires the connection or sleeps until the next deadline.
 */
final class EchoDeadlines {

  private static final long NONE = ConnectionClock.NONE;

  private final long idleNanos;
  private final long frameNanos;
  private final Consumer<CloseReason> onExpiry;
  private final ConnectionClock clock;
  private long lastActivity;
  private long frameStarted = NONE;

  /** Zero durations switch a deadline off. */
  EchoDeadlines(Timers timers, LongSupplier nanoTime, Duration idleTimeout, Duration frameTimeout,
                Consumer<CloseReason> onExpiry) {
    this.idleNanos = idleTimeout.toNanos();
    this.frameNanos = frameTimeout.toNanos();
    this.onExpiry = onExpiry;
    this.clock = new ConnectionClock(timers, nanoTime, this::nextDeadline, this::expire);
    this.lastActivity = clock.now();
  }

  void start() {
    clock.reschedule();
  }

  void stop() {
    clock.stop();
  }

  /** Bytes moved in either direction. */
  void activity() {
    lastActivity = clock.now();
  }

  /** A frame is now unfinished; {@code fresh} when it began after the last frame check (an earlier frame completed). */
  void inFrame(boolean fresh) {
    if (fresh || frameStarted == NONE) {
      frameStarted = lastActivity;
    }
  }

  void frameDone() {
    frameStarted = NONE;
  }

  private long nextDeadline(long now) {
    // While no frame is open, the frame deadline is at least a full timeout away.
    return Math.min(ConnectionClock.deadline(idleNanos, lastActivity),
        ConnectionClock.deadline(frameNanos, frameStarted == NONE ? now : frameStarted));
  }

  private boolean expire(long now) {
    if (ConnectionClock.passed(ConnectionClock.deadline(idleNanos, lastActivity), now)) {
      onExpiry.accept(CloseReason.IDLE_TIMEOUT);
    } else if (ConnectionClock.passed(ConnectionClock.deadline(frameNanos, frameStarted), now)) {
      onExpiry.accept(CloseReason.FRAME_TIMEOUT);
    } else {
      return false;
    }
    return true;
  }
}
