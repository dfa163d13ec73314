package dev.switchboard.config;

import static dev.switchboard.config.KeyDoc.doc;

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
    String host = node.string("host", DEFAULT_HOST, doc("HTTP bind address"));
    int port = node.port("port", DEFAULT_PORT, doc("HTTP port; `0` = an ephemeral port"));
    Duration timeout = node.duration("upstreamTimeout", DEFAULT_UPSTREAM_TIMEOUT,
        doc("how long an application may take to answer (504 after)"));
    if (timeout.isZero()) {
      throw node.conflict("upstreamTimeout", "must be more than 0: a request must not wait for ever");
    }
    int maxBody = node.integer("maxBodyBytes", DEFAULT_MAX_BODY_BYTES, 0, Integer.MAX_VALUE,
        doc("largest request body (413 over; a larger Content-Length is refused before reading)"));
    boolean builtinApps = node.bool("builtinApps", true,
        doc("register the `hello` and `echo` applications (`/apps/hello/`, `/apps/echo/`)"));
    List<GatewayRoute> routes = node.children("routes", 0,
        doc("explicit routes to applications, matched before `/apps/<name>`").defaultShownAs("none")).stream()
        .map(route -> GatewayRoute.read(route, timeout, maxBody)).toList();
    ConfigNode stream = node.child("stream", doc("streamed response bodies"));
    int credit = stream.integer("credit", DEFAULT_STREAM_CREDIT, 1, 1024, doc("chunks in flight per response"));
    int chunk = stream.integer("maxChunkBytes", WsgiBus.MAX_CHUNK_BYTES, 1024, 16 * 1024 * 1024,
        doc("largest chunk of a streamed body"));
    Duration streamIdle = stream.duration("idleTimeout", DEFAULT_STREAM_IDLE_TIMEOUT,
        doc("a stream waiting this long for a chunk while the application holds credit is cut off"));
    stream.finish();
    ConfigNode events = node.child("events", doc("`GET /events` (server-sent events)"));
    int maxClients = events.integer("maxClients", DEFAULT_EVENTS_MAX_CLIENTS, 0, 100_000,
        doc("`/events` clients at once; more get 503"));
    int queueBytes = events.integer("queueBytes", DEFAULT_EVENTS_QUEUE_BYTES, 1024, 64 * 1024 * 1024,
        doc("unsent bytes per `/events` client before its events are dropped (counted)"));
    events.finish();
    GatewayTimeouts timeouts = GatewayTimeouts.read(node.child("timeouts", doc("the connection guard's clocks and the"
        + " request deadline; `0` turns one off").defaultShownAs("see [Protection](#protection)")));
    GatewayLimits limits = GatewayLimits.read(node.child("limits", doc("connection, request and rate limits")
        .defaultShownAs("see [Protection](#protection)")));
    TlsConfig tls = TlsConfig.read(node.child("tls", doc("HTTPS, with HTTP/2 through ALPN")));
    AccessLogFormat accessLog = node.choice("accessLog", AccessLogFormat.OFF, java.util.Map.of("off",
        AccessLogFormat.OFF, "common", AccessLogFormat.COMMON, "json", AccessLogFormat.JSON),
        doc("`off`, `common` or `json`: one line per request on the logger `switchboard.access` (its own appender: the"
            + " line alone, on stdout)"));
    CidrAllowList trusted;
    try {
      trusted = CidrAllowList.parse(node.strings("trustedProxies", List.of(), doc("CIDR blocks of proxies whose"
          + " `Forwarded` / `X-Forwarded-For` / `X-Forwarded-Proto` give the client's address and scheme"
          + " ([Behind a proxy](#behind-a-proxy))")));
    } catch (IllegalArgumentException e) {
      throw node.conflict("trustedProxies", e.getMessage());
    }
    GatewayConfig config = new GatewayConfig(host, port, timeout, maxBody, builtinApps, routes, credit, chunk,
        streamIdle, maxClients, queueBytes, timeouts, limits, tls, accessLog, trusted,
        BuiltinRoutes.read(node.child("builtinRoutes", doc("the gateway's own routes, matched before applications:"
            + " each a path, `off`, or `on` (its default path)")), host));
    node.finish();
    return config;
  }
}
