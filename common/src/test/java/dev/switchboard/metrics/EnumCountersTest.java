package dev.switchboard.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bus.CloseReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EnumCountersTest {

  @Test
  @DisplayName("one counter per constant from the start, tagged with its wire name beside the given tags")
  void counterPerConstant() {
    MeterRegistry registry = new SimpleMeterRegistry();
    EnumCounters<CloseReason> closed = new EnumCounters<>(registry, "test.closed", Tags.of("listener", "a"), "reason",
        CloseReason.class);
    closed.increment(CloseReason.IDLE_TIMEOUT);
    closed.increment(CloseReason.IDLE_TIMEOUT);
    assertThat(registry.find("test.closed").counters()).hasSize(CloseReason.values().length)
        .allSatisfy(counter -> assertThat(counter.getId().getTag("listener")).isEqualTo("a"));
    Counter idle = registry.get("test.closed").tags("listener", "a", "reason", "idle-timeout").counter();
    assertThat(idle.count()).isEqualTo(2);
    assertThat(closed.count(CloseReason.IDLE_TIMEOUT)).isEqualTo(2);
    assertThat(closed.count(CloseReason.EOF)).isZero();
  }
}
