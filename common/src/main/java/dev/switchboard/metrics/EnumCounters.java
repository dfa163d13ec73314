package dev.switchboard.metrics;

import dev.switchboard.bus.WireName;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.EnumMap;
import java.util.Map;

/**
 * One Micrometer counter per constant of an enum (a reason, a kind), told apart by a tag whose value is the constant's
 * wire name ({@code FRAME_TOO_LONG} is {@code frame-too-long}). Every constant is registered at once, so that /metrics
 * lists each one, at zero until it happens. Thread-safe.
 */
public final class EnumCounters<E extends Enum<E>> {

  private final Map<E, Counter> meters;

  /**
   * @param tags what the counters carry besides {@code tag} (e.g. the listener)
   * @param tag  the tag that names the constant, e.g. {@code reason}
   */
  public EnumCounters(MeterRegistry registry, String name, Tags tags, String tag, Class<E> type) {
    meters = new EnumMap<>(type);
    for (E constant : type.getEnumConstants()) {
      meters.put(constant, registry.counter(name, tags.and(tag, WireName.of(constant))));
    }
  }

  public void increment(E constant) {
    meters.get(constant).increment();
  }

  public long count(E constant) {
    return (long) meters.get(constant).count();
  }
}
