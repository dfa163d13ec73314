package dev.switchboard.gateway.http;

import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.GatewayRoute;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The label a request is counted under: a built-in route, {@code apps} for every {@code /apps/<name>}, a configured
 * route's prefix, or {@code unmatched}. A bounded set, known at start: metric labels never carry raw paths.
 */
public final class RouteLabels {

  public static final String ECHO = "echo";
  public static final String UDP_SEND = "udp-send";
  public static final String EVENTS = "events";
  public static final String APPS = "apps";
  public static final String HEALTH = "health";
  public static final String METRICS = "metrics";
  public static final String DASHBOARD = "dashboard";
  public static final String UNMATCHED = "unmatched";
  private static final String KEY = "switchboard.route";

  private RouteLabels() {
  }

  /** Every label a gateway with this configuration can count under. */
  public static List<String> all(GatewayConfig config) {
    List<String> labels = new ArrayList<>(List.of(ECHO, UDP_SEND, EVENTS, APPS, HEALTH, METRICS, DASHBOARD, UNMATCHED));
    config.routes().stream().map(GatewayRoute::prefix).forEach(labels::add);
    return labels;
  }

  public static void set(RoutingContext ctx, String label) {
    ctx.put(KEY, label);
  }

  public static String of(RoutingContext ctx) {
    String label = ctx.get(KEY);
    return label == null ? UNMATCHED : label;
  }
}
