package dev.switchboard.connection;

import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;

/**
 * The one timer behind all the deadlines of a connection or stream. Activity only stores a timestamp in the owner; the
 * owner says when its nearest deadline falls due, and this keeps a timer that fires no later than that. A timer already
 * standing for that time or earlier is left as it is, so busy connections and phase changes cost no timer churn: when
 * it fires, the owner either expires the connection or the timer is set again for the deadline then nearest. Times are
 * nanos from the clock given (System.nanoTime in the services). Used from one event loop only.
 */
public final class ConnectionClock {

  /** No deadline: a clock that is off or not running. */
  public static final long NONE = Long.MAX_VALUE;

  private final Timers timers;
  private final LongSupplier nanoTime;
  private final LongUnaryOperator nextDeadline;
  private final LongPredicate expire;
  private long timerId = -1;
  /** When the standing timer fires, or NONE when none stands. */
  private long timerDue = NONE;

  /**
   * @param nextDeadline given the time now, when the timer must fire next at the latest, or {@link #NONE}
   * @param expire       run with the time now when the timer fires: expires what has run out and returns true (the
   *                     clock then stays off), or returns false to have the timer set for the next deadline
   */
  public ConnectionClock(Timers timers, LongSupplier nanoTime, LongUnaryOperator nextDeadline, LongPredicate expire) {
    this.timers = timers;
    this.nanoTime = nanoTime;
    this.nextDeadline = nextDeadline;
    this.expire = expire;
  }

  /**
   * When a clock of {@code timeoutNanos} that started at {@code since} runs out; NONE when it is off (a timeout of 0)
   * or not running (since NONE).
   */
  public static long deadline(long timeoutNanos, long since) {
    return timeoutNanos == 0 || since == NONE ? NONE : since + timeoutNanos;
  }

  /** Whether the deadline has come at {@code now}. */
  public static boolean passed(long deadline, long now) {
    return deadline != NONE && now - deadline >= 0;
  }

  public long now() {
    return nanoTime.getAsLong();
  }

  /** Makes sure a timer fires no later than the owner's nearest deadline. */
  public void reschedule() {
    long now = now();
    long due = nextDeadline.applyAsLong(now);
    if (due == NONE || timerId >= 0 && timerDue <= due) {
      return;
    }
    stop();
    timerDue = due;
    // A millisecond later rather than earlier: a timer that fires early finds nothing due and has to be set again.
    timerId = timers.set(Math.max(1, (due - now) / 1_000_000 + 1), this::fire);
  }

  /** Cancels the standing timer; {@link #reschedule} starts again. */
  public void stop() {
    if (timerId >= 0) {
      timers.cancel(timerId);
      timerId = -1;
      timerDue = NONE;
    }
  }

  private void fire() {
    timerId = -1;
    timerDue = NONE;
    if (!expire.test(now())) {
      reschedule();
    }
  }
}
