package dev.switchboard.gateway.wsgi;

import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.GatewayRoute;
import dev.switchboard.wsgi.WsgiBus;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the application for a raw (still percent-encoded) request path: configured routes first, the longest prefix
 * winning, then {@code /apps/<name>/...} to {@code wsgi.<name>}. Prefixes match whole segments: {@code /api} matches
 * {@code /api} and {@code /api/x}, never {@code /apix}.
 */
public final class RouteTable {

  /** A match: the route, and the raw path split into SCRIPT_NAME and the still-encoded rest. */
  public record Match(GatewayRoute route, String scriptName, String rawPathInfo) {
  }

  public static final String APPS = "/apps/";
  private static final Pattern APP_NAME = Pattern.compile("/apps/([A-Za-z0-9_.-]+)(/.*)?");

  private final List<GatewayRoute> routes;
  private final GatewayConfig defaults;

  public RouteTable(GatewayConfig config) {
    this.routes = config.routes().stream()
        .sorted(Comparator.comparingInt((GatewayRoute r) -> r.prefix().length()).reversed())
        .toList();
    this.defaults = config;
  }

  /** The match, or null when no route serves the path. */
  public Match find(String rawPath) {
    for (GatewayRoute route : routes) {
      String prefix = route.prefix().equals("/") ? "" : route.prefix();
      if (rawPath.equals(prefix) || rawPath.startsWith(prefix + "/")) {
        return new Match(route, prefix, rawPath.substring(prefix.length()));
      }
    }
    Matcher app = APP_NAME.matcher(rawPath);
    if (app.matches()) {
      String name = app.group(1);
      GatewayRoute route = new GatewayRoute(APPS + name, WsgiBus.appAddress(name), Set.of(),
          defaults.upstreamTimeout(), defaults.maxBodyBytes(), false, false);
      return new Match(route, APPS + name, app.group(2) == null ? "" : app.group(2));
    }
    return null;
  }
}
