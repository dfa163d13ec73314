package dev.switchboard.gateway.meters;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GatewayMetersTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final GatewayMeters meters = new GatewayMeters(registry, List.of("health", "/api"));

  private double responses(String route, String statusClass) {
    return registry.get("switchboard.gateway.responses").tags("route", route, "class", statusClass).counter().count();
  }

  @Test
  @DisplayName("the route labels known at start have a response counter per status class from the start, at zero")
  void knownRoutesFromZero() {
    for (String route : List.of("health", "/api")) {
      for (String statusClass : List.of("1xx", "2xx", "3xx", "4xx", "5xx")) {
        assertThat(responses(route, statusClass)).as(route + " " + statusClass).isZero();
      }
    }
  }

  @Test
  @DisplayName("a response is counted under its route and status class; a status past 599 counts as 5xx")
  void responsesByClass() {
    meters.onResponse("health", 204);
    meters.onResponse("/api", 404);
    meters.onResponse("/api", 600);
    assertThat(responses("health", "2xx")).isEqualTo(1);
    assertThat(responses("/api", "4xx")).isEqualTo(1);
    assertThat(responses("/api", "5xx")).isEqualTo(1);
  }

  @Test
  @DisplayName("a route label added later (a reload's new route) gets its counters at its first response")
  void routeAddedLater() {
    assertThat(registry.find("switchboard.gateway.responses").tag("route", "/new").counters()).isEmpty();
    meters.onResponse("/new", 200);
    assertThat(responses("/new", "2xx")).isEqualTo(1);
    assertThat(responses("/new", "5xx")).isZero();
  }
}
