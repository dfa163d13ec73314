package dev.switchboard.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ManualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConnectionClockTest {

  private static final long MS = 1_000_000;

  private final ManualClock time = new ManualClock();
  private final List<Long> expiredAt = new ArrayList<>();
  /** The owner's one deadline: activity moves it, and it runs out {@code timeout} after the last activity. */
  private long lastActivity = time.getAsLong();
  private long timeoutNanos = 100 * MS;
  private final ConnectionClock clock = new ConnectionClock(time, time,
      now -> ConnectionClock.deadline(timeoutNanos, lastActivity), now -> {
        if (ConnectionClock.passed(ConnectionClock.deadline(timeoutNanos, lastActivity), now)) {
          expiredAt.add(now);
          return true;
        }
        return false;
      });

  @Test
  @DisplayName("activity only stores a timestamp: one timer serves, and on firing it sleeps on until the deadline it then finds")
  void activityCostsNoTimer() {
    long start = time.getAsLong();
    clock.reschedule();
    for (int i = 0; i < 9; i++) {
      time.advance(10);
      lastActivity = time.getAsLong();
    }
    assertThat(time.delays()).as("one timer for ten activities").containsExactly(101L);
    time.advance(11);  // the timer fires at 101 ms: the deadline is 90 + 100 ms
    assertThat(expiredAt).isEmpty();
    assertThat(time.delays()).containsExactly(101L, 90L);
    time.advance(90);
    assertThat(expiredAt).as("at the first millisecond past the deadline").containsExactly(start + 191 * MS);
    assertThat(time.standing()).as("an expired clock stays off").isZero();
  }

  @Test
  @DisplayName("a timer due no later than the new deadline is left standing; an earlier deadline replaces it")
  void standingTimer() {
    clock.reschedule();
    timeoutNanos = 200 * MS;
    clock.reschedule();
    assertThat(time.delays()).as("the standing timer is earlier: kept").containsExactly(101L);
    assertThat(time.cancelled()).isZero();
    timeoutNanos = 50 * MS;
    clock.reschedule();
    assertThat(time.delays()).containsExactly(101L, 51L);
    assertThat(time.cancelled()).isEqualTo(1);
    assertThat(time.standing()).isEqualTo(1);
  }

  @Test
  @DisplayName("the timer is set a millisecond past the deadline, never before it, and for at least 1 ms")
  void rounding() {
    lastActivity -= 100 * MS - 1;  // due in 1 ns
    clock.reschedule();
    time.advanceNanos(1);
    assertThat(expiredAt).as("not fired before its millisecond").isEmpty();
    time.advance(1);
    assertThat(expiredAt).hasSize(1);

    lastActivity = time.getAsLong() - 500 * MS;  // long overdue
    clock.reschedule();
    assertThat(time.delays()).containsExactly(1L, 1L);
  }

  @Test
  @DisplayName("a clock switched off (zero timeout) or stopped sets no timer and fires nothing")
  void offAndStopped() {
    timeoutNanos = 0;
    clock.reschedule();
    assertThat(time.standing()).isZero();

    timeoutNanos = 100 * MS;
    clock.reschedule();
    clock.stop();
    time.advance(1000);
    assertThat(expiredAt).isEmpty();
    assertThat(time.standing()).isZero();
  }

  @Test
  @DisplayName("deadline and passed: NONE for a clock that is off or not running, and a deadline passes at its own nanosecond")
  void deadlineArithmetic() {
    assertThat(ConnectionClock.deadline(0, 5)).isEqualTo(ConnectionClock.NONE);
    assertThat(ConnectionClock.deadline(10, ConnectionClock.NONE)).isEqualTo(ConnectionClock.NONE);
    assertThat(ConnectionClock.deadline(10, 5)).isEqualTo(15);
    assertThat(ConnectionClock.passed(15, 14)).isFalse();
    assertThat(ConnectionClock.passed(15, 15)).isTrue();
    assertThat(ConnectionClock.passed(ConnectionClock.NONE, Long.MAX_VALUE)).isFalse();
  }
}
