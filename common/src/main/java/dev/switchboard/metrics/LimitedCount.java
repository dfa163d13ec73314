package dev.switchboard.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A count of things open at once (connections, clients, requests in flight) that a limit admits against, published as
 * a gauge or not. Shared by every instance of a service, so the limit holds across them. Thread-safe.
 */
public final class LimitedCount {

  private final AtomicInteger count = new AtomicInteger();

  /** A count no meter shows. */
  public LimitedCount() {
  }

  /** A count published as the gauge {@code name}. */
  public LimitedCount(MeterRegistry registry, String name, Tags tags) {
    Gauge.builder(name, count, AtomicInteger::get).tags(tags).register(registry);
  }

  /** Counts one more unless {@code limit} are open; false (and nothing counted) when they are. */
  public boolean tryAdd(int limit) {
    if (count.incrementAndGet() > limit) {
      count.decrementAndGet();
      return false;
    }
    return true;
  }

  /** One that was counted has gone. */
  public void remove() {
    count.decrementAndGet();
  }

  public int get() {
    return count.get();
  }
}
