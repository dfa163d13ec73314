package dev.switchboard.gateway.protect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InFlightLimitsTest {

  @Test
  @DisplayName("per address: refused at the limit, admitted again after an exit, and nothing left in the map when idle")
  void perAddress() {
    InFlightLimits limits = new InFlightLimits(100, 2);
    assertThat(limits.tryEnter("a")).isTrue();
    assertThat(limits.tryEnter("a")).isTrue();
    assertThat(limits.tryEnter("a")).isFalse();
    assertThat(limits.tryEnter("b")).isTrue();
    limits.exit("a");
    assertThat(limits.tryEnter("a")).isTrue();
    limits.exit("a");
    limits.exit("a");
    limits.exit("b");
    assertThat(limits.addresses()).isZero();
  }

  @Test
  @DisplayName("a limit of 0 refuses everything and keeps no count for the names tried")
  void zero() {
    InFlightLimits limits = new InFlightLimits(100, 0);
    for (int i = 0; i < 100; i++) {
      assertThat(limits.tryEnter("name" + i)).isFalse();
    }
    assertThat(limits.addresses()).isZero();
  }

  @Test
  @DisplayName("two threads entering and leaving the same address never pass the limit together, and leave the map empty")
  void concurrent() throws Exception {
    InFlightLimits limits = new InFlightLimits(1000, 3);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger admitted = new AtomicInteger();
    Runnable worker = () -> {
      for (int i = 0; i < 200_000; i++) {
        if (limits.tryEnter("wsgi.hello")) {
          admitted.incrementAndGet();
          most.accumulateAndGet(inside.incrementAndGet(), Math::max);
          inside.decrementAndGet();
          limits.exit("wsgi.hello");
        }
      }
    };
    CompletableFuture.allOf(CompletableFuture.runAsync(worker), CompletableFuture.runAsync(worker),
        CompletableFuture.runAsync(worker), CompletableFuture.runAsync(worker)).get(60, TimeUnit.SECONDS);
    assertThat(most.get()).isLessThanOrEqualTo(3);
    assertThat(admitted.get()).isPositive();
    assertThat(limits.addresses()).isZero();
  }
}
