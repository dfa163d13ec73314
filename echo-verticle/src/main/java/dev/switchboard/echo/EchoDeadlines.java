package dev.switchboard.echo;

import dev.switchboard.bus.CloseReason;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The idle and frame deadlines of one connection, on one timer. Activity only stores a timestamp; the timer, when it
 * fires, either expires the connection or sleeps until the next deadline. So busy connections cost no timer churn.
 */
final class ConnectionClock {

  private static final long NONE = Long.MIN_VALUE;

  private final Vertx vertx;
  private final long idleNanos;
  private final long frameNanos;
  private final Consumer<CloseReason> onExpiry;
  private long lastActivity = System.nanoTime();
  private long frameStarted = NONE;
  private long timerId = -1;

  /** Zero durations switch a deadline off. */
  ConnectionClock(Vertx vertx, Duration idleTimeout, Duration frameTimeout, Consumer<CloseReason> onExpiry) {
    this.vertx = vertx;
    this.idleNanos = idleTimeout.toNanos();
    this.frameNanos = frameTimeout.toNanos();
    this.onExpiry = onExpiry;
  }

  void start() {
    schedule(System.nanoTime());
  }

  void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  /** Bytes moved in either direction. */
  void activity() {
    lastActivity = System.nanoTime();
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

  private void schedule(long now) {
    long next = Long.MAX_VALUE;
    if (idleNanos > 0) {
      next = Math.min(next, lastActivity + idleNanos - now);
    }
    if (frameNanos > 0) {
      // While no frame is open, the frame deadline is at least a full timeout away.
      next = Math.min(next, (frameStarted == NONE ? now : frameStarted) + frameNanos - now);
    }
    if (next == Long.MAX_VALUE) {
      return;
    }
    timerId = vertx.setTimer(Math.max(1, Duration.ofNanos(next).toMillis() + 1), id -> check());
  }

  private void check() {
    timerId = -1;
    long now = System.nanoTime();
    if (idleNanos > 0 && now - lastActivity >= idleNanos) {
      onExpiry.accept(CloseReason.IDLE_TIMEOUT);
    } else if (frameNanos > 0 && frameStarted != NONE && now - frameStarted >= frameNanos) {
      onExpiry.accept(CloseReason.FRAME_TIMEOUT);
    } else {
      schedule(now);
    }
  }
}
