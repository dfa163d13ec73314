package dev.switchboard.deploy;

import dev.switchboard.bus.CloseReason;
import dev.switchboard.bus.WireName;
import dev.switchboard.config.EchoListenerConfig;
import dev.switchboard.config.Role;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.counters.BridgeCounters;
import dev.switchboard.counters.GatewayCounters;
import dev.switchboard.counters.ListenerCounters;
import dev.switchboard.counters.SwitchboardCounters;
import dev.switchboard.counters.UdpCounters;
import dev.switchboard.gateway.http.RouteLabels;
import dev.switchboard.net.MemoryBudget;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Publishes the services' counters in Vert.x's Micrometer registry, beside Vert.x's own meters, so that
 * {@code /metrics} shows both. Meters read the counters when scraped; nothing is copied on the hot paths. Every label
 * comes from a bounded set (listener names, reasons, route labels, status classes). Listed in docs/metrics.md.
 */
final class CounterMeters {

  private CounterMeters() {
  }

  /** {@code switchboard_cluster_members}: the cluster's size as this node sees it (a partition shows as a drop). */
  static void cluster(IntSupplier members) {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry != null) {
      // Held strongly: a gauge keeps only a weak reference to its source, and nothing else holds this supplier.
      Gauge.builder("switchboard.cluster.members", members, IntSupplier::getAsInt).strongReference(true).register(registry);
    }
  }

  /**
   * @param echoBudget   {@code echo.maxBufferedBytes}, shared by the echo instances
   * @param bridgeBudget {@code bridge.maxBufferedBytes}, shared by the bridge instances
   */
  static void bind(SwitchboardConfig config, SwitchboardCounters counters, MemoryBudget echoBudget,
                   MemoryBudget bridgeBudget) {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      return;
    }
    if (config.runs(Role.ECHO)) {
      for (EchoListenerConfig listener : config.echo().listeners()) {
        echo(registry, listener.name(), counters.echo().listener(listener.name()));
      }
      gauge(registry, "switchboard.echo.buffered.bytes", Tags.empty(), echoBudget, MemoryBudget::held);
    }
    if (config.runs(Role.UDP)) {
      udp(registry, counters.udp());
    }
    if (config.runs(Role.GATEWAY)) {
      gateway(registry, counters.gateway(), RouteLabels.all(config.gateway()));
    }
    if (config.runs(Role.BRIDGE)) {
      bridge(registry, counters.bridge());
      gauge(registry, "switchboard.bridge.buffered.bytes", Tags.empty(), bridgeBudget, MemoryBudget::held);
    }
  }

  private static <T> void counter(MeterRegistry registry, String name, Tags tags, T source, ToDoubleFunction<T> value) {
    FunctionCounter.builder(name, source, value).tags(tags).register(registry);
  }

  private static <T> void gauge(MeterRegistry registry, String name, Tags tags, T source, ToDoubleFunction<T> value) {
    Gauge.builder(name, source, value).tags(tags).register(registry);
  }

  private static void echo(MeterRegistry registry, String listener, ListenerCounters c) {
    Tags tags = Tags.of("listener", listener);
    gauge(registry, "switchboard.echo.connections", tags, c, ListenerCounters::open);
    counter(registry, "switchboard.echo.connections.accepted", tags, c, ListenerCounters::accepted);
    counter(registry, "switchboard.echo.received.bytes", tags, c, ListenerCounters::bytesIn);
    counter(registry, "switchboard.echo.sent.bytes", tags, c, ListenerCounters::bytesOut);
    counter(registry, "switchboard.echo.read.pauses", tags, c, ListenerCounters::readPauses);
    counter(registry, "switchboard.echo.tls.handshake.failures", tags, c, ListenerCounters::tlsHandshakeFailures);
    for (CloseReason reason : CloseReason.values()) {
      counter(registry, "switchboard.echo.connections.closed", tags.and("reason", reason.wireName()), c, x -> x.closed(reason));
    }
  }

  private static void udp(MeterRegistry registry, UdpCounters c) {
    counter(registry, "switchboard.udp.datagrams.received", Tags.empty(), c, UdpCounters::received);
    counter(registry, "switchboard.udp.datagrams.replied", Tags.empty(), c, UdpCounters::replied);
    counter(registry, "switchboard.udp.received.bytes", Tags.empty(), c, UdpCounters::bytesIn);
    counter(registry, "switchboard.udp.sent.bytes", Tags.empty(), c, UdpCounters::bytesOut);
    counter(registry, "switchboard.udp.events.published", Tags.empty(), c, UdpCounters::published);
    for (UdpCounters.Drop drop : UdpCounters.Drop.values()) {
      counter(registry, "switchboard.udp.datagrams.dropped", Tags.of("reason", drop.wireName()), c, x -> x.dropped(drop));
    }
    for (UdpCounters.EventDrop drop : UdpCounters.EventDrop.values()) {
      counter(registry, "switchboard.udp.events.dropped", Tags.of("reason", drop.wireName()), c, x -> x.eventsDropped(drop));
    }
  }

  private static void bridge(MeterRegistry registry, BridgeCounters c) {
    gauge(registry, "switchboard.bridge.connections", Tags.empty(), c, BridgeCounters::open);
    counter(registry, "switchboard.bridge.connections.accepted", Tags.empty(), c, BridgeCounters::accepted);
    counter(registry, "switchboard.bridge.unanswered", Tags.empty(), c, BridgeCounters::unanswered);
    for (BridgeCounters.Refusal refusal : BridgeCounters.Refusal.values()) {
      counter(registry, "switchboard.bridge.refusals", Tags.of("reason", WireName.of(refusal)), c, x -> x.refused(refusal));
    }
  }

  private static void gateway(MeterRegistry registry, GatewayCounters c, Iterable<String> routes) {
    for (String route : routes) {
      LongAdder[] byClass = c.responsesOf(route);
      for (int statusClass = 1; statusClass <= 5; statusClass++) {
        LongAdder count = byClass[statusClass];
        counter(registry, "switchboard.gateway.responses", Tags.of("route", route, "class", statusClass + "xx"),
            count, LongAdder::sum);
      }
    }
    for (GatewayCounters.Failure failure : GatewayCounters.Failure.values()) {
      counter(registry, "switchboard.gateway.failures", Tags.of("kind", WireName.of(failure)), c, x -> x.failures(failure));
    }
    for (GatewayCounters.Rejection rejection : GatewayCounters.Rejection.values()) {
      counter(registry, "switchboard.gateway.rejections", Tags.of("reason", WireName.of(rejection)), c,
          x -> x.rejected(rejection));
    }
    for (GatewayCounters.ConnectionClose close : GatewayCounters.ConnectionClose.values()) {
      counter(registry, "switchboard.gateway.connections.closed", Tags.of("reason", WireName.of(close)), c,
          x -> x.connectionsClosed(close));
    }
    gauge(registry, "switchboard.gateway.connections", Tags.empty(), c, GatewayCounters::connections);
    counter(registry, "switchboard.gateway.connections.refused", Tags.empty(), c, GatewayCounters::connectionsRefused);
    counter(registry, "switchboard.gateway.headers.dropped", Tags.empty(), c, GatewayCounters::headersDropped);
    gauge(registry, "switchboard.gateway.event.clients", Tags.empty(), c, GatewayCounters::eventClients);
    counter(registry, "switchboard.gateway.events.sent", Tags.empty(), c, GatewayCounters::eventsSent);
    counter(registry, "switchboard.gateway.events.dropped", Tags.empty(), c, GatewayCounters::eventsDropped);
    gauge(registry, "switchboard.gateway.streams", Tags.empty(), c, GatewayCounters::activeStreams);
    gauge(registry, "switchboard.gateway.stream.peak.buffered.bytes", Tags.empty(), c, GatewayCounters::streamPeakBufferedBytes);
  }
}
