package dev.switchboard.gateway.wsgi;

import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.GatewayRoute;
import dev.switchboard.wsgi.WsgiBus;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
  private static final int MAX_CACHED_APPS = 256;

  private final List<GatewayRoute> routes;
  private final GatewayConfig defaults;
  /** Shared by the gateway's event loops. */
  private final Map<String, GatewayRoute> appRoutes = new ConcurrentHashMap<>();

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
    if (!rawPath.startsWith(APPS)) {
      return null;
    }
    int end = rawPath.indexOf('/', APPS.length());
    String name = end < 0 ? rawPath.substring(APPS.length()) : rawPath.substring(APPS.length(), end);
    if (!isAppName(name)) {
      return null;
    }
    GatewayRoute route = appRoute(name);
    return new Match(route, route.prefix(), end < 0 ? "" : rawPath.substring(end));
  }

  /** 1 or more of {@code A-Z a-z 0-9 _ . -}. */
  private static boolean isAppName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /**
   * The route of {@code /apps/<name>/}, made once per name. Names come from clients, so the cache stops growing at
   * {@value #MAX_CACHED_APPS}; past that a route is made per request.
   */
  private GatewayRoute appRoute(String name) {
    GatewayRoute cached = appRoutes.get(name);
    if (cached != null) {
      return cached;
    }
    GatewayRoute route = new GatewayRoute(APPS + name, WsgiBus.appAddress(name), Set.of(),
        defaults.upstreamTimeout(), defaults.maxBodyBytes(), false, false);
    if (appRoutes.size() < MAX_CACHED_APPS) {
      appRoutes.putIfAbsent(name, route);
    }
    return route;
  }
}
