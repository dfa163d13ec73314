package dev.switchboard.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LimitedCountTest {

  @Test
  @DisplayName("admits up to the limit, refuses past it without counting, and its gauge shows what is open")
  void admitsUpToTheLimit() {
    MeterRegistry registry = new SimpleMeterRegistry();
    LimitedCount open = new LimitedCount(registry, "test.open", Tags.of("listener", "a"));
    assertThat(open.tryAdd(2)).isTrue();
    assertThat(open.tryAdd(2)).isTrue();
    assertThat(open.tryAdd(2)).isFalse();
    assertThat(open.get()).isEqualTo(2);
    open.remove();
    assertThat(open.tryAdd(2)).isTrue();
    assertThat(registry.get("test.open").tag("listener", "a").gauge().value()).isEqualTo(2);
  }
}
