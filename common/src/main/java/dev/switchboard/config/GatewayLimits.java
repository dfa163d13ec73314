package dev.switchboard.config;

import static dev.switchboard.config.KeyDoc.doc;

/**
 * The gateway's limits ({@code gateway.limits.*}). Every one has a counter that says when it triggered.
 *
 * @param maxConnections           open connections; more are closed at once ({@code maxConnections})
 * @param maxRequestsPerConnection then the response says {@code Connection: close} ({@code maxRequestsPerConnection})
 * @param maxInFlight              requests in progress in the whole gateway; more get 503 ({@code maxInFlight})
 * @param maxInFlightPerAddress    requests in progress per application address; more get 503. Keep it below the
 *                                 consumers' buffer (Vert.x's default: 1000 messages) ({@code maxInFlightPerAddress})
 * @param rateLimit                requests per second per client address; more get 429 ({@code rateLimit.perSecond},
 *                                 {@code .burst}, {@code .maxClients}); off by default
 * @param maxInitialLineBytes      request line; longer gets 414 ({@code maxInitialLineBytes})
 * @param maxHeaderBytes           all headers together; more gets 431 ({@code maxHeaderBytes})
 * @param h2c                      accept HTTP/2 over cleartext, by prior knowledge and by upgrade ({@code h2c}). Off by
 *                                 default: Vert.x tells h2c from HTTP/1 before the gateway sees the connection, so a
 *                                 connection that sends nothing, or half an HTTP/2 preface, escapes the header timeout
 *                                 and the connection cap. With TLS, HTTP/2 is offered through ALPN whatever this says.
 * @param maxConcurrentStreams     HTTP/2 streams per connection ({@code maxConcurrentStreams})
 * @param maxBufferedBodyBytes     request body bytes held in memory by the whole gateway at once (bodies read whole
 *                                 before they go to an application); a body that would pass it gets 503 with
 *                                 {@code Retry-After} ({@code maxBufferedBodyBytes}). Default: a quarter of the heap
 *                                 ({@link #DEFAULT_MAX_BUFFERED_BODY_BYTES}), because a body of N bytes can briefly
 *                                 cost about twice that while its buffer grows, and more again as the request
 *                                 message: a quarter leaves the rest of the heap to everything else.
 */
public record GatewayLimits(int maxConnections, int maxRequestsPerConnection, int maxInFlight, int maxInFlightPerAddress,
                            RateLimitConfig rateLimit, int maxInitialLineBytes,
                            int maxHeaderBytes, boolean h2c, int maxConcurrentStreams, long maxBufferedBodyBytes) {

  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  public static final int DEFAULT_MAX_REQUESTS_PER_CONNECTION = 1000;
  public static final int DEFAULT_MAX_IN_FLIGHT = 4096;
  public static final int DEFAULT_MAX_IN_FLIGHT_PER_ADDRESS = 500;
  public static final int DEFAULT_MAX_INITIAL_LINE_BYTES = 4096;
  public static final int DEFAULT_MAX_HEADER_BYTES = 8192;
  public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;
  /** A quarter of the JVM's maximum heap: 122 MiB under {@code switchboard.sh}'s {@code -Xmx512m} (486 MiB usable). */
  public static final long DEFAULT_MAX_BUFFERED_BODY_BYTES = Runtime.getRuntime().maxMemory() / 4;

  public static GatewayLimits defaults() {
    return new GatewayLimits(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_REQUESTS_PER_CONNECTION, DEFAULT_MAX_IN_FLIGHT,
        DEFAULT_MAX_IN_FLIGHT_PER_ADDRESS, RateLimitConfig.off(), DEFAULT_MAX_INITIAL_LINE_BYTES,
        DEFAULT_MAX_HEADER_BYTES, false, DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_MAX_BUFFERED_BODY_BYTES);
  }

  static GatewayLimits read(ConfigNode node) {
    int maxConnections = node.integer("maxConnections", DEFAULT_MAX_CONNECTIONS, 1, 10_000_000,
        doc("open connections; more are closed at once"));
    int maxRequests = node.integer("maxRequestsPerConnection", DEFAULT_MAX_REQUESTS_PER_CONNECTION, 1,
        Integer.MAX_VALUE, doc("then the response says `Connection: close`"));
    int maxInFlight = node.integer("maxInFlight", DEFAULT_MAX_IN_FLIGHT, 1, 10_000_000,
        doc("requests in progress in the whole gateway; more get 503 with `Retry-After`"));
    int maxInFlightPerAddress = node.integer("maxInFlightPerAddress", DEFAULT_MAX_IN_FLIGHT_PER_ADDRESS, 1, 10_000_000,
        doc("requests in progress per application address; more get 503. Keep it below its consumer's buffer"
            + " (1000 by default)"));
    RateLimitConfig rateLimit = RateLimitConfig.read(node.child("rateLimit",
        doc("a token bucket per client address; more get 429")), "maxClients", "requests");
    GatewayLimits limits = new GatewayLimits(maxConnections, maxRequests, maxInFlight, maxInFlightPerAddress, rateLimit,
        node.integer("maxInitialLineBytes", DEFAULT_MAX_INITIAL_LINE_BYTES, 256, 1 << 20,
            doc("longest request line; longer gets 414")),
        node.integer("maxHeaderBytes", DEFAULT_MAX_HEADER_BYTES, 1024, 1 << 20,
            doc("all headers together; more gets 431")),
        node.bool("h2c", false, doc("HTTP/2 over cleartext, by prior knowledge and by upgrade; see README's"
            + " [Protection](#protection) before turning it on")),
        node.integer("maxConcurrentStreams", DEFAULT_MAX_CONCURRENT_STREAMS, 1, 100_000,
            doc("HTTP/2 streams per connection")),
        node.longInteger("maxBufferedBodyBytes", DEFAULT_MAX_BUFFERED_BODY_BYTES, 1, Long.MAX_VALUE,
            doc("request body bytes held at once by the whole gateway; more get 503").defaultShownAs("heap / 4")));
    node.finish();
    return limits;
  }
}
