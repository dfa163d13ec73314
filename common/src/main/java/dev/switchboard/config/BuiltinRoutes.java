package dev.switchboard.config;

import static dev.switchboard.config.KeyDoc.doc;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the gateway's own routes are served ({@code gateway.builtinRoutes.*}), each a path or null when switched off,
 * so that an application can have any path, {@code /} included. Each key takes a path ({@code /_/metrics}),
 * {@code off}, or {@code on} (the default path).
 *
 * @param dashboard the dashboard's page; its files are served beside it ({@code dashboard}, default {@code /})
 * @param metrics   the Prometheus scrape ({@code metrics}, default {@code /metrics})
 * @param health    the base of {@code <health>/live} and {@code <health>/ready} ({@code health}, default {@code /health})
 * @param events    server-sent events ({@code events}, default {@code /events}; off by default on a non-loopback host)
 * @param echo      {@code POST} through the echo service ({@code echo}, default {@code /echo})
 * @param udpSend   {@code POST} a datagram through {@code udp.send} ({@code udpSend}, default {@code /udp/send}; off by
 *                  default on a non-loopback host)
 */
public record BuiltinRoutes(String dashboard, String metrics, String health, String events, String echo,
                            String udpSend) {

  public static final String DEFAULT_DASHBOARD = "/";
  public static final String DEFAULT_METRICS = "/metrics";
  public static final String DEFAULT_HEALTH = "/health";
  public static final String DEFAULT_EVENTS = "/events";
  public static final String DEFAULT_ECHO = "/echo";
  public static final String DEFAULT_UDP_SEND = "/udp/send";

  private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@/-]*");

  /** Every route at its default path: what a gateway on a loopback address serves. */
  public static BuiltinRoutes defaults() {
    return new BuiltinRoutes(DEFAULT_DASHBOARD, DEFAULT_METRICS, DEFAULT_HEALTH, DEFAULT_EVENTS, DEFAULT_ECHO,
        DEFAULT_UDP_SEND);
  }

  /** The path of {@code <health>/<leaf>}, e.g. {@code /health/ready}. */
  public String healthPath(String leaf) {
    return (health.equals("/") ? "" : health) + "/" + leaf;
  }

  /**
   * @param gatewayHost {@code /events} and {@code /udp/send} reach the bus and the network on a client's behalf, so
   *                    they are on by default only when the gateway listens on a loopback address
   */
  static BuiltinRoutes read(ConfigNode node, String gatewayHost) {
    boolean loopback = isLoopback(gatewayHost);
    BuiltinRoutes routes = new BuiltinRoutes(
        path(node, "dashboard", DEFAULT_DASHBOARD, true,
            doc("the dashboard page (its files beside it); `off` to mount an application at `/`")),
        path(node, "metrics", DEFAULT_METRICS, true, doc("the Prometheus scrape")),
        path(node, "health", DEFAULT_HEALTH, true, doc("the base of `<health>/live` and `<health>/ready`")),
        path(node, "events", DEFAULT_EVENTS, loopback, doc("`GET` server-sent events")
            .defaultShownAs("`/events` on a loopback `gateway.host`, else `off`")),
        path(node, "echo", DEFAULT_ECHO, true, doc("`POST` through `echo.request`")),
        path(node, "udpSend", DEFAULT_UDP_SEND, loopback, doc("`POST` a datagram through `udp.send`")
            .defaultShownAs("`/udp/send` on a loopback `gateway.host`, else `off`")));
    node.finish();
    Map<String, String> taken = new HashMap<>();
    claim(node, taken, "dashboard", routes.dashboard());
    claim(node, taken, "metrics", routes.metrics());
    if (routes.health() != null) {
      claim(node, taken, "health", routes.healthPath("live"));
      claim(node, taken, "health", routes.healthPath("ready"));
    }
    claim(node, taken, "events", routes.events());
    claim(node, taken, "echo", routes.echo());
    claim(node, taken, "udpSend", routes.udpSend());
    return routes;
  }

  private static String path(ConfigNode node, String key, String defaultPath, boolean onByDefault, KeyDoc doc) {
    // YAML reads unquoted on and off as true and false.
    String value = node.string(key, onByDefault ? "on" : "off",
        doc.shownDefault() != null ? doc : doc.defaultShownAs("`" + defaultPath + "`"));
    return switch (value) {
      case "on", "true" -> defaultPath;
      case "off", "false" -> null;
      default -> {
        if (!PATH.matcher(value).matches() || value.length() > 1 && value.endsWith("/")) {
          throw node.conflict(key, "'" + value + "' must be on, off or a path such as /_/" + key
              + " (starting with /, no trailing /, no % or ?)");
        }
        yield value;
      }
    };
  }

  private static void claim(ConfigNode node, Map<String, String> taken, String key, String path) {
    if (path == null) {
      return;
    }
    String other = taken.putIfAbsent(path, key);
    if (other != null) {
      throw node.conflict(key, "path " + path + " is already the " + other + " route's");
    }
  }

  /** A loopback literal or {@code localhost}; a name is not resolved here (that would tie the config to DNS). */
  static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!host.matches("[0-9a-fA-F:.]+") || !(host.contains(".") || host.contains(":"))) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
