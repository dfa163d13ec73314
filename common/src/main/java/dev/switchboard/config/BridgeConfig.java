package dev.switchboard.config;

import static dev.switchboard.config.KeyDoc.doc;

import dev.switchboard.net.AddressPatterns;
import java.time.Duration;
import java.util.List;

/**
 * The TCP event-bus bridge ({@code bridge.*}), through which programs in any language reach the bus.
 *
 * @param host            bind address ({@code host})
 * @param port            bind port ({@code port})
 * @param register        addresses clients may register consumers on to serve them ({@code allow.register})
 * @param send            addresses clients may send to, request-reply included ({@code allow.send})
 * @param publish         addresses clients may publish to ({@code allow.publish})
 * @param receive         addresses clients may register on to receive events ({@code allow.receive})
 * @param token           when set, every frame must carry it in {@code headers.token}, whatever its type ({@code token})
 * @param idleTimeout     a connection with no traffic for this long is closed; clients ping ({@code idleTimeout})
 * @param maxFrameBytes   largest frame a client may send; a larger declared length closes the connection ({@code maxFrameBytes})
 * @param maxPendingBytes unsent bytes to a client beyond which it is disconnected as too slow ({@code maxPendingBytes})
 * @param maxConnections  open connections, across all instances; more get an error frame and are closed ({@code maxConnections})
 * @param maxBufferedBytes bytes all connections together hold, across all instances: unfinished frames from clients and
 *                        output not yet sent to them. A connection whose frame needs more gets an error frame and is
 *                        closed; one whose output needs more is closed ({@code maxBufferedBytes}). Default: an eighth
 *                        of the heap ({@link #DEFAULT_MAX_BUFFERED_BYTES})
 * @param tls             TLS, or null ({@code tls.certPath}, {@code tls.keyPath})
 */
public record BridgeConfig(String host, int port, AddressPatterns register, AddressPatterns send, AddressPatterns publish,
                           AddressPatterns receive, String token, Duration idleTimeout, int maxFrameBytes,
                           int maxPendingBytes, int maxConnections, long maxBufferedBytes, TlsConfig tls) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 7070;
  public static final List<String> DEFAULT_REGISTER = List.of("wsgi.*");
  /** Besides the services, the gateway's stream addresses, which WSGI applications answer on. */
  public static final List<String> DEFAULT_SEND = List.of("echo.request", "udp.send", "gateway.stream.*", "gateway.body.*");
  public static final List<String> DEFAULT_RECEIVE = List.of("echo.events", "udp.datagrams");
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;
  /**
   * Room for the largest message the gateway sends a client by default, a request with a 1 MiB body (base64: 1.4 MB),
   * and little more: 1000 connections at 8 MiB each would be 16 times the heap.
   */
  public static final int DEFAULT_MAX_PENDING_BYTES = 2 * 1024 * 1024;
  public static final int DEFAULT_MAX_CONNECTIONS = 1000;
  /**
   * An eighth of the JVM's maximum heap: 60 MiB under {@code switchboard.sh}'s {@code -Xmx512m}, which is what bounds
   * the sum ({@code maxConnections} x ({@code maxFrameBytes} + {@code maxPendingBytes}) is 6 GiB).
   */
  public static final long DEFAULT_MAX_BUFFERED_BYTES = Runtime.getRuntime().maxMemory() / 8;

  public static BridgeConfig defaults() {
    return new BridgeConfig(DEFAULT_HOST, DEFAULT_PORT, new AddressPatterns(DEFAULT_REGISTER),
        new AddressPatterns(DEFAULT_SEND), new AddressPatterns(List.of()), new AddressPatterns(DEFAULT_RECEIVE), "",
        DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_PENDING_BYTES, DEFAULT_MAX_CONNECTIONS,
        DEFAULT_MAX_BUFFERED_BYTES, null);
  }

  static BridgeConfig read(ConfigNode node) {
    String host = node.string("host", DEFAULT_HOST, doc("TCP event-bus bridge bind address"));
    int port = node.port("port", DEFAULT_PORT, doc("TCP event-bus bridge port; `0` = an ephemeral port"));
    ConfigNode allow = node.child("allow", doc("what bridge clients may do, by address pattern; `*` matches any run of"
        + " characters"));
    AddressPatterns register = new AddressPatterns(allow.strings("register", DEFAULT_REGISTER,
        doc("addresses clients may serve: WSGI applications and their stream addresses")));
    AddressPatterns receive = new AddressPatterns(allow.strings("receive", DEFAULT_RECEIVE,
        doc("addresses clients may listen to")));
    AddressPatterns send = new AddressPatterns(allow.strings("send", DEFAULT_SEND,
        doc("addresses clients may send to")));
    AddressPatterns publish = new AddressPatterns(allow.strings("publish", List.of(),
        doc("addresses clients may publish to")));
    allow.finish();
    BridgeConfig config = new BridgeConfig(host, port, register, send, publish, receive,
        node.string("token", "", doc("shared secret every frame must carry in `headers.token` (compared in constant"
            + " time)")),
        node.duration("idleTimeout", DEFAULT_IDLE_TIMEOUT, doc("clients ping within this, else they are disconnected")),
        node.integer("maxFrameBytes", DEFAULT_MAX_FRAME_BYTES, 1024, 256 * 1024 * 1024,
            doc("larger frames get an error frame and the connection closes")),
        node.integer("maxPendingBytes", DEFAULT_MAX_PENDING_BYTES, 64 * 1024, 1 << 30,
            doc("a client leaving more unread is disconnected")),
        node.integer("maxConnections", DEFAULT_MAX_CONNECTIONS, 1, 10_000_000,
            doc("open bridge connections, across all instances; more get an error frame and are closed (counted)")),
        node.longInteger("maxBufferedBytes", DEFAULT_MAX_BUFFERED_BYTES, 1, Long.MAX_VALUE,
            doc("bytes all bridge connections hold at once (unfinished frames, unsent output); a connection that needs"
                + " more gets an error frame or is closed (counted `buffer-budget`)").defaultShownAs("heap / 8")),
        TlsConfig.read(node.child("tls", doc("TLS for the bridge"))));
    node.finish();
    return config;
  }
}
