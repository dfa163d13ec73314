package dev.switchboard.config;

import static dev.switchboard.config.KeyDoc.doc;

import java.time.Duration;

/**
 * The gateway's per-connection and per-request clocks ({@code gateway.timeouts.*}); 0 turns one off.
 *
 * @param keepAlive no request in progress for this long closes the connection ({@code keepAlive})
 * @param header    the request line and headers must arrive within this of the connection's (or the request's)
 *                  first byte, else 408 ({@code header})
 * @param body      no body bytes for this long while a body is expected: 408 ({@code body})
 * @param bodyMinRate a body read whole must arrive at this many bytes per second at least, on average since its
 *                  headers, once the first {@code body} has passed: a body still unfinished at
 *                  {@code headers + body + received / bodyMinRate} gets 408 (Apache's {@code mod_reqtimeout}
 *                  {@code MinRate}). 0 turns it off, and so does a {@code body} of 0 ({@code bodyMinRate})
 * @param bodyTotal a body read whole must be complete within this of its headers, else 408 (Envoy's
 *                  {@code request_timeout}) ({@code bodyTotal})
 * @param request   whole-request deadline, from the headers to the end of the response ({@code request})
 * @param write     a response the client has stopped reading for this long is cut off ({@code write})
 * @param drain     on stop, in-flight requests get this long to finish ({@code drain})
 * @param linger    after refusing a malformed request the connection stops sending and reads (and discards) what the
 *                  client still sends for up to this long before it closes, so the client reads the refusal instead
 *                  of a reset ({@code linger}; nginx's {@code lingering_timeout})
 */
public record GatewayTimeouts(Duration keepAlive, Duration header, Duration body, int bodyMinRate, Duration bodyTotal,
                              Duration request, Duration write, Duration drain, Duration linger) {

  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(60);
  public static final Duration DEFAULT_HEADER = Duration.ofSeconds(10);
  public static final Duration DEFAULT_BODY = Duration.ofSeconds(30);
  /** Bytes per second; Apache's {@code mod_reqtimeout} default is 500. */
  public static final int DEFAULT_BODY_MIN_RATE = 500;
  /** The default {@code maxBodyBytes} (1 MiB) in this needs about 9 KB/s. */
  public static final Duration DEFAULT_BODY_TOTAL = Duration.ofMinutes(2);
  public static final Duration DEFAULT_REQUEST = Duration.ofMinutes(5);
  public static final Duration DEFAULT_WRITE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(3);
  public static final Duration DEFAULT_LINGER = Duration.ofSeconds(2);

  public static GatewayTimeouts defaults() {
    return new GatewayTimeouts(DEFAULT_KEEP_ALIVE, DEFAULT_HEADER, DEFAULT_BODY, DEFAULT_BODY_MIN_RATE, DEFAULT_BODY_TOTAL,
        DEFAULT_REQUEST, DEFAULT_WRITE, DEFAULT_DRAIN, DEFAULT_LINGER);
  }

  static GatewayTimeouts read(ConfigNode node) {
    GatewayTimeouts timeouts = new GatewayTimeouts(
        node.duration("keepAlive", DEFAULT_KEEP_ALIVE,
            doc("no request in progress and nothing unsent for this long: the connection closes")),
        node.duration("header", DEFAULT_HEADER,
            doc("the request line and headers must arrive within this of the first byte, else 408")),
        node.duration("body", DEFAULT_BODY, doc("gap between body bytes, else 408")),
        node.integer("bodyMinRate", DEFAULT_BODY_MIN_RATE, 0, Integer.MAX_VALUE,
            doc("bytes per second a body read whole must average, counted after the first `body` timeout, else 408")),
        node.duration("bodyTotal", DEFAULT_BODY_TOTAL,
            doc("a body read whole must be in within this of its headers, else 408")),
        node.duration("request", DEFAULT_REQUEST,
            doc("whole-request deadline, else 504, or the response cut off")),
        node.duration("write", DEFAULT_WRITE,
            doc("a client that takes none of a pending response for this long: the connection closes")),
        node.duration("drain", DEFAULT_DRAIN,
            doc("on stop, in-flight requests get this long (must be under `shutdownTimeout`)")),
        node.duration("linger", DEFAULT_LINGER, doc("after refusing a malformed request: read and drop what the client"
            + " still sends for up to this long, then close")));
    node.finish();
    return timeouts;
  }
}
