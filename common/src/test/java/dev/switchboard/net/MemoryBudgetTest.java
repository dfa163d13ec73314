package dev.switchboard.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

  @Test
  @DisplayName("reservations up to the maximum are taken; one that would pass it is refused whole, and releases make room")
  void reserveAndRelease() {
    MemoryBudget budget = new MemoryBudget(100);
    assertThat(budget.tryReserve(60)).isTrue();
    assertThat(budget.tryReserve(40)).isTrue();
    assertThat(budget.tryReserve(1)).isFalse();
    assertThat(budget.held()).isEqualTo(100);
    budget.release(40);
    assertThat(budget.fits(40)).isTrue();
    assertThat(budget.fits(41)).isFalse();
    assertThat(budget.tryReserve(41)).as("refused whole, nothing taken").isFalse();
    assertThat(budget.held()).isEqualTo(60);
    budget.release(60);
    assertThat(budget.held()).isZero();
    assertThat(budget.peak()).isEqualTo(100);
  }

  @Test
  @DisplayName("a reservation so large it would overflow is refused")
  void overflow() {
    MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
    assertThat(budget.tryReserve(Long.MAX_VALUE - 1)).isTrue();
    assertThat(budget.tryReserve(Long.MAX_VALUE)).isFalse();
  }

  @Test
  @DisplayName("threads racing for the budget never take more than the maximum, and give all of it back")
  void concurrent() throws Exception {
    MemoryBudget budget = new MemoryBudget(1000);
    AtomicLong refused = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      pool.execute(() -> {
        for (int i = 0; i < 100_000; i++) {
          if (budget.tryReserve(7)) {
            assertThat(budget.held()).isLessThanOrEqualTo(1000);
            budget.release(7);
          } else {
            refused.incrementAndGet();
          }
        }
      });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    assertThat(budget.held()).isZero();
    assertThat(budget.peak()).isLessThanOrEqualTo(1000);
  }

  @Test
  @DisplayName("a share holds what its buffer holds, resizes within the budget, and gives all of it back once on close")
  void share() {
    MemoryBudget budget = new MemoryBudget(100);
    MemoryBudget.Share partial = budget.share();
    MemoryBudget.Share output = budget.share();
    assertThat(partial.tryResize(60)).isTrue();
    assertThat(output.tryReserve(30)).isTrue();
    assertThat(partial.tryResize(71)).as("refused whole, the share unchanged").isFalse();
    assertThat(partial.held()).isEqualTo(60);
    assertThat(partial.tryResize(20)).isTrue();
    assertThat(budget.held()).isEqualTo(50);
    output.release(50);
    assertThat(output.held()).as("never more released than reserved").isZero();
    assertThat(budget.held()).isEqualTo(20);
    partial.close();
    partial.close();
    assertThat(budget.held()).isZero();
    assertThat(partial.tryReserve(1000)).as("a closed share takes nothing and refuses nothing").isTrue();
    assertThat(budget.held()).isZero();
  }
}
