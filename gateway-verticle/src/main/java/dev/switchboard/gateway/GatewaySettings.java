package dev.switchboard.gateway;

import dev.switchboard.config.GatewayConfig;
import dev.switchboard.gateway.wsgi.RouteTable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The gateway's configuration as a reload leaves it, with the route table built from it, swapped whole so that a
 * request sees one or the other, never half of each. What reads it: the route table (per request), and the connection
 * guards' limits and clocks (per connection and request). Everything else keeps the configuration of the start.
 */
final class GatewaySettings {

  private record Current(GatewayConfig config, RouteTable routes) {
  }

  private final AtomicReference<Current> current = new AtomicReference<>();

  GatewaySettings(GatewayConfig config) {
    replace(config);
  }

  void replace(GatewayConfig config) {
    current.set(new Current(config, new RouteTable(config)));
  }

  GatewayConfig config() {
    return current.get().config();
  }

  RouteTable routes() {
    return current.get().routes();
  }
}
