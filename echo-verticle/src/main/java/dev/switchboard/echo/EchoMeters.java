package dev.switchboard.echo;

import dev.switchboard.net.MemoryBudget;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The echo service's meters ({@code switchboard_echo_*}, docs/metrics.md): one set per listener, tagged with its name,
 * and the bytes the service holds against its budget. One object per service, shared by every instance, so that
 * limits and totals are per listener. Thread-safe.
 */
public final class EchoMeters {

  private final MeterRegistry registry;
  private final Map<String, ListenerMeters> listeners = new ConcurrentHashMap<>();

  /** @param budget {@code echo.maxBufferedBytes}, shared by every instance of the service */
  public EchoMeters(MeterRegistry registry, MemoryBudget budget) {
    this.registry = registry;
    Gauge.builder("switchboard.echo.buffered.bytes", budget, MemoryBudget::held).register(registry);
  }

  /** The listener's meters, registered at its first use. */
  ListenerMeters listener(String name) {
    return listeners.computeIfAbsent(name, n -> new ListenerMeters(registry, n));
  }
}
