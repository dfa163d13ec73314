package dev.switchboard.gateway.meters;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's request-duration histogram, {@code switchboard_gateway_request_duration_seconds{route}}: from the
 * request's first handler to the end of its response. It stands in for Vert.x's own per-request HTTP meters, which are
 * switched off (see docs/metrics.md): one timer per route label, looked up in a small map, is all a request costs.
 */
public final class RequestTimer {

  private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30)};

  private final MeterRegistry registry;
  private final Map<String, Timer> byRoute = new ConcurrentHashMap<>();

  RequestTimer(MeterRegistry registry) {
    this.registry = registry;
  }

  /** @param route one of a bounded set of route labels, never a raw path */
  public void record(String route, long nanos) {
    byRoute.computeIfAbsent(route, this::timer).record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer timer(String route) {
    return Timer.builder("switchboard.gateway.request.duration")
        .description("Gateway requests, from the first byte handled to the end of the response")
        .tag("route", route)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }
}
