package dev.switchboard.config;

import dev.switchboard.net.CidrAllowList;
import dev.switchboard.wsgi.WsgiBus;
import java.time.Duration;
import java.util.List;

/**
 * The HTTP gateway ({@code gateway.*}).
 *
 * @param host               bind address ({@code host})
 * @param port               bind port, 0 for an ephemeral one ({@code port})
 * @param upstreamTimeout    how long an application may take to answer, unless its route says otherwise ({@code upstreamTimeout})
 * @param maxBodyBytes       largest request body, unless its route says otherwise ({@code maxBodyBytes})
 * @param builtinApps        register the {@code hello} and {@code echo} applications with the gateway ({@code builtinApps})
 * @param routes             explicit routes, matched before {@code /apps/<name>} ({@code routes})
 * @param streamCredit       chunks of a streamed body in flight per response at most ({@code stream.credit})
 * @param streamMaxChunkBytes largest chunk of a streamed body ({@code stream.maxChunkBytes})
 * @param streamIdleTimeout  a stream with no chunk for this long is cut off ({@code stream.idleTimeout})
 * @param eventsMaxClients   {@code /events} clients at once ({@code events.maxClients})
 * @param eventsQueueBytes   unsent bytes per {@code /events} client beyond which its events are dropped ({@code events.queueBytes})
 * @param timeouts           connection and request clocks ({@code timeouts.*})
 * @param limits             connection, request and size limits ({@code limits.*})
 * @param tls                TLS (with ALPN for HTTP/2), or null for cleartext ({@code tls.certPath}, {@code tls.keyPath})
 * @param accessLog          one line per request on the logger {@code switchboard.access}: {@code off}, {@code common}
 *                           (Common Log Format plus the request id) or {@code json} ({@code accessLog})
 * @param trustedProxies     peers whose {@code Forwarded} / {@code X-Forwarded-*} headers are believed: the client's
 *                           address and scheme are taken from them ({@code trustedProxies}, CIDR blocks, default none)
 * @param builtinRoutes      where the gateway's own routes are, or which are off ({@code builtinRoutes.*})
 */
public record GatewayConfig(
    String host,
    int port,
    Duration upstreamTimeout,
    int maxBodyBytes,
    boolean builtinApps,
    List<GatewayRoute> routes,
    int streamCredit,
    int streamMaxChunkBytes,
    Duration streamIdleTimeout,
    int eventsMaxClients,
    int eventsQueueBytes,
    GatewayTimeouts timeouts,
    GatewayLimits limits,
    TlsConfig tls,
    AccessLogFormat accessLog,
    CidrAllowList trustedProxies,
    BuiltinRoutes builtinRoutes) {

  /** The access log's format. */
  public enum AccessLogFormat {
    OFF, COMMON, JSON
  }

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final Duration DEFAULT_UPSTREAM_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final int DEFAULT_STREAM_CREDIT = 16;
  public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_EVENTS_MAX_CLIENTS = 100;
  public static final int DEFAULT_EVENTS_QUEUE_BYTES = 64 * 1024;

  public GatewayConfig {
    routes = List.copyOf(routes);
  }

  public static GatewayConfig defaults() {
    return new GatewayConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_UPSTREAM_TIMEOUT, DEFAULT_MAX_BODY_BYTES, true, List.of(),
        DEFAULT_STREAM_CREDIT, WsgiBus.MAX_CHUNK_BYTES, DEFAULT_STREAM_IDLE_TIMEOUT, DEFAULT_EVENTS_MAX_CLIENTS,
        DEFAULT_EVENTS_QUEUE_BYTES, GatewayTimeouts.defaults(), GatewayLimits.defaults(), null, AccessLogFormat.OFF,
        CidrAllowList.parse(List.of()), BuiltinRoutes.defaults());
  }

  static GatewayConfig read(ConfigNode node) {
    Duration timeout = node.duration("upstreamTimeout", DEFAULT_UPSTREAM_TIMEOUT);
    if (timeout.isZero()) {
      throw node.conflict("upstreamTimeout", "must be more than 0: a request must not wait for ever");
    }
    int maxBody = node.integer("maxBodyBytes", DEFAULT_MAX_BODY_BYTES, 0, Integer.MAX_VALUE);
    List<GatewayRoute> routes = node.children("routes", 0).stream()
        .map(route -> GatewayRoute.read(route, timeout, maxBody)).toList();
    ConfigNode stream = node.child("stream");
    int credit = stream.integer("credit", DEFAULT_STREAM_CREDIT, 1, 1024);
    int chunk = stream.integer("maxChunkBytes", WsgiBus.MAX_CHUNK_BYTES, 1024, 16 * 1024 * 1024);
    Duration streamIdle = stream.duration("idleTimeout", DEFAULT_STREAM_IDLE_TIMEOUT);
    stream.finish();
    ConfigNode events = node.child("events");
    int maxClients = events.integer("maxClients", DEFAULT_EVENTS_MAX_CLIENTS, 0, 100_000);
    int queueBytes = events.integer("queueBytes", DEFAULT_EVENTS_QUEUE_BYTES, 1024, 64 * 1024 * 1024);
    events.finish();
    CidrAllowList trusted;
    try {
      trusted = CidrAllowList.parse(node.strings("trustedProxies", List.of()));
    } catch (IllegalArgumentException e) {
      throw node.conflict("trustedProxies", e.getMessage());
    }
    String host = node.string("host", DEFAULT_HOST);
    GatewayConfig config = new GatewayConfig(
        host,
        node.port("port", DEFAULT_PORT),
        timeout,
        maxBody,
        node.bool("builtinApps", true),
        routes,
        credit,
        chunk,
        streamIdle,
        maxClients,
        queueBytes,
        GatewayTimeouts.read(node.child("timeouts")),
        GatewayLimits.read(node.child("limits")),
        TlsConfig.read(node.child("tls")),
        node.choice("accessLog", AccessLogFormat.OFF, java.util.Map.of("off", AccessLogFormat.OFF,
            "common", AccessLogFormat.COMMON, "json", AccessLogFormat.JSON)),
        trusted,
        BuiltinRoutes.read(node.child("builtinRoutes"), host));
    node.finish();
    return config;
  }
}
