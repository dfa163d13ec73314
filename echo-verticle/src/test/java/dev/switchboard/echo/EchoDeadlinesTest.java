package dev.switchboard.echo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bus.CloseReason;
import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The echo connection's deadlines on a hand-driven clock. */
class EchoDeadlinesTest {

  private final ManualClock time = new ManualClock();
  private final List<CloseReason> expired = new ArrayList<>();

  private EchoDeadlines started(long idleMs, long frameMs) {
    EchoDeadlines clock = new EchoDeadlines(time, time, Duration.ofMillis(idleMs), Duration.ofMillis(frameMs), expired::add);
    clock.start();
    return clock;
  }

  @Test
  @DisplayName("traffic keeps a connection open past the idle timeout; silence for the whole timeout closes it")
  void idle() {
    EchoDeadlines clock = started(100, 0);
    for (int i = 0; i < 50; i++) {
      time.advance(6);
      clock.activity();
    }
    time.advance(100);
    assertThat(expired).isEmpty();
    time.advance(1);
    assertThat(expired).containsExactly(CloseReason.IDLE_TIMEOUT);
    assertThat(time.delays()).as("a timer per idle period, not per activity").hasSizeLessThanOrEqualTo(5);
  }

  @Test
  @DisplayName("a frame left unfinished for the frame timeout closes the connection, though bytes keep coming")
  void frame() {
    EchoDeadlines clock = started(1000, 100);
    time.advance(30);
    clock.activity();
    clock.inFrame(true);
    for (int i = 0; i < 3; i++) {
      time.advance(30);
      clock.activity();
      clock.inFrame(false);
    }
    assertThat(expired).isEmpty();
    time.advance(20);
    assertThat(expired).containsExactly(CloseReason.FRAME_TIMEOUT);
  }

  @Test
  @DisplayName("frames that complete in time never expire, and a stopped clock fires nothing")
  void framesInTimeAndStop() {
    EchoDeadlines clock = started(0, 100);
    for (int i = 0; i < 10; i++) {
      time.advance(60);
      clock.activity();
      clock.inFrame(true);
      time.advance(30);
      clock.frameDone();
    }
    assertThat(expired).isEmpty();
    clock.activity();
    clock.inFrame(true);
    clock.stop();
    time.advance(1000);
    assertThat(expired).isEmpty();
    assertThat(time.standing()).isZero();
  }
}
