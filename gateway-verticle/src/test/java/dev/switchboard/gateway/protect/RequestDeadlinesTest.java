package dev.switchboard.gateway.protect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.connection.Timers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RequestDeadlinesTest {

  private static final long MS = 1_000_000;

  private long now;
  private final List<Long> armedAt = new ArrayList<>();
  private final List<Runnable> timers = new ArrayList<>();
  private final List<String> passed = new ArrayList<>();
  private final RequestDeadlines deadlines = new RequestDeadlines(100 * MS, () -> now, new Timers() {
    @Override
    public long set(long delay, Runnable task) {
      armedAt.add(now + delay * MS);
      timers.add(task);
      return timers.size() - 1;
    }

    @Override
    public void cancel(long timerId) {
      throw new AssertionError("the deadlines never cancel a timer");
    }
  });

  /** Moves the clock to the newest timer's due time and fires it. */
  private void fireTimer() {
    now = armedAt.get(armedAt.size() - 1);
    timers.get(timers.size() - 1).run();
  }

  @Test
  @DisplayName("one timer stands for any number of requests; finished requests never fire, unfinished ones fire in order")
  void oneTimer() {
    RequestDeadlines.Deadline a = deadlines.start(() -> passed.add("a"));
    now += 10 * MS;
    deadlines.start(() -> passed.add("b"));
    now += 10 * MS;
    deadlines.start(() -> passed.add("c"));
    a.finish();
    assertThat(timers).hasSize(1);
    assertThat(armedAt).containsExactly(100 * MS);

    fireTimer();  // at 100 ms: a finished, b due at 110
    assertThat(passed).isEmpty();
    assertThat(armedAt).containsExactly(100 * MS, 110 * MS);

    fireTimer();  // at 110 ms: b passes
    assertThat(passed).containsExactly("b");
    assertThat(armedAt).last().isEqualTo(120 * MS);

    now = 125 * MS;  // late timer: c passes too
    timers.get(timers.size() - 1).run();
    assertThat(passed).containsExactly("b", "c");
    assertThat(timers).hasSize(3);
  }

  @Test
  @DisplayName("an emptied list arms nothing until the next request; finishing twice or after passing is harmless")
  void emptyAgain() {
    RequestDeadlines.Deadline a = deadlines.start(() -> passed.add("a"));
    fireTimer();
    assertThat(passed).containsExactly("a");
    a.finish();
    a.finish();
    assertThat(timers).hasSize(1);

    RequestDeadlines.Deadline b = deadlines.start(() -> passed.add("b"));
    assertThat(timers).hasSize(2);
    b.finish();
    now += 10 * MS;
    RequestDeadlines.Deadline c = deadlines.start(() -> passed.add("c"));
    assertThat(timers).as("the standing timer serves c").hasSize(2);
    fireTimer();
    assertThat(passed).containsExactly("a");
    fireTimer();
    assertThat(passed).containsExactly("a", "c");
    c.finish();
  }

  @Test
  @DisplayName("a request that starts while deadlines are being expired is kept, and the next timer is armed once")
  void startWhileFiring() {
    deadlines.start(() -> {
      passed.add("a");
      deadlines.start(() -> passed.add("later"));
    });
    fireTimer();
    assertThat(passed).containsExactly("a");
    assertThat(timers).hasSize(2);
    fireTimer();
    assertThat(passed).containsExactly("a", "later");
  }
}
