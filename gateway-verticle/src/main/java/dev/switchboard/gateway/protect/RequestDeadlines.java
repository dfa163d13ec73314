package dev.switchboard.gateway.protect;

import dev.switchboard.connection.Timers;
import java.util.function.LongSupplier;

/**
 * The whole-request deadlines ({@code timeouts.request}) of one event loop's requests, kept with one standing timer
 * instead of a timer armed and cancelled per request. Every request gets the same duration, so deadlines fall due in
 * the order the requests began: they are kept in a list in that order, a finished request leaves it at once, and the
 * timer, when it fires, expires what is due and is armed again for the oldest request left. Used from one event loop
 * only.
 */
final class RequestDeadlines {

  /** One request's place in the list; {@link #finish} takes it out. */
  final class Deadline {
    private final long dueNanos;
    private final Runnable onPassed;
    private Deadline previous;
    private Deadline next;
    private boolean listed = true;

    private Deadline(long dueNanos, Runnable onPassed) {
      this.dueNanos = dueNanos;
      this.onPassed = onPassed;
    }

    /** The request ended: its deadline no longer applies. */
    void finish() {
      if (listed) {
        unlink(this);
      }
    }
  }

  private final long durationNanos;
  private final LongSupplier nanoClock;
  private final Timers timers;
  private Deadline oldest;
  private Deadline newest;
  /** Whether a timer stands (or is firing: it arms the next one itself). */
  private boolean timerSet;

  RequestDeadlines(long durationNanos, LongSupplier nanoClock, Timers timers) {
    this.durationNanos = durationNanos;
    this.nanoClock = nanoClock;
    this.timers = timers;
  }

  /** Starts a request's deadline: {@code onPassed} runs if it is not finished within the duration. */
  Deadline start(Runnable onPassed) {
    Deadline deadline = new Deadline(nanoClock.getAsLong() + durationNanos, onPassed);
    if (newest == null) {
      oldest = deadline;
    } else {
      newest.next = deadline;
      deadline.previous = newest;
    }
    newest = deadline;
    if (!timerSet) {
      arm(deadline.dueNanos);
    }
    return deadline;
  }

  private void arm(long dueNanos) {
    timerSet = true;
    // Rounded up: a timer that fires a little early would find nothing due and have to be armed again.
    long delayMillis = Math.max(1, (dueNanos - nanoClock.getAsLong() + 999_999) / 1_000_000);
    timers.set(delayMillis, this::fire);
  }

  private void fire() {
    long now = nanoClock.getAsLong();
    while (oldest != null && oldest.dueNanos - now <= 0) {
      Deadline passed = oldest;
      unlink(passed);
      passed.onPassed.run();
    }
    timerSet = false;
    if (oldest != null) {
      arm(oldest.dueNanos);
    }
  }

  private void unlink(Deadline deadline) {
    deadline.listed = false;
    if (deadline.previous == null) {
      oldest = deadline.next;
    } else {
      deadline.previous.next = deadline.next;
    }
    if (deadline.next == null) {
      newest = deadline.previous;
    } else {
      deadline.next.previous = deadline.previous;
    }
    deadline.previous = null;
    deadline.next = null;
  }
}
