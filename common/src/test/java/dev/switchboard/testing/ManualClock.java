package dev.switchboard.testing;

import dev.switchboard.connection.Timers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Time that moves only when a test says: a nanosecond clock and the timers that run on it, fired in time order as
 * {@link #advance} passes them. Shared by every module's tests of clocks and deadlines, so none of them sleeps.
 */
public final class ManualClock implements LongSupplier, Timers {

  private static final long MS = 1_000_000;

  private record Timer(long id, long due, Runnable task) {
  }

  private final List<Timer> timers = new ArrayList<>();
  private final List<Long> delays = new ArrayList<>();
  private long now = 1_000 * MS;
  private long nextId;
  private int cancelled;

  @Override
  public long getAsLong() {
    return now;
  }

  @Override
  public long set(long delayMillis, Runnable task) {
    delays.add(delayMillis);
    Timer timer = new Timer(nextId++, now + delayMillis * MS, task);
    timers.add(timer);
    return timer.id();
  }

  @Override
  public void cancel(long timerId) {
    if (timers.removeIf(t -> t.id() == timerId)) {
      cancelled++;
    }
  }

  /** Moves time on by {@code millis}, running each timer that falls due on the way at its own time. */
  public void advance(long millis) {
    advanceNanos(millis * MS);
  }

  public void advanceNanos(long nanos) {
    long until = now + nanos;
    while (true) {
      Timer next = timers.stream().filter(t -> t.due() <= until).min(Comparator.comparingLong(Timer::due)).orElse(null);
      if (next == null) {
        break;
      }
      timers.remove(next);
      now = next.due();
      next.task().run();
    }
    now = until;
  }

  /** Timers set and not yet fired or cancelled. */
  public int standing() {
    return timers.size();
  }

  /** The delay of every timer set so far, in milliseconds, in the order they were set. */
  public List<Long> delays() {
    return List.copyOf(delays);
  }

  public int cancelled() {
    return cancelled;
  }
}
