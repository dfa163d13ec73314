package dev.switchboard.config;

import static dev.switchboard.config.KeyDoc.doc;

import dev.switchboard.listen.Addresses;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/**
 * One TCP echo listener ({@code echo.listeners[i]}). Several listeners may run side by side, each with its own framing.
 *
 * @param name             label used in logs, events and counters ({@code name}); defaults to the framing name
 * @param host             bind address ({@code host}); {@code ::1} for IPv6 loopback, {@code ::} for dual-stack
 * @param port             bind port, 0 for an ephemeral one ({@code port})
 * @param unixSocket       path of a Unix domain socket to listen on instead of host and port ({@code unixSocket})
 * @param framing          {@code raw}, {@code line}, {@code length}, {@code length-ascii} or {@code fixed} ({@code framing})
 * @param delimiter        frame delimiter for {@code line}; escapes {@code \n \r \t \\ \xHH} are understood ({@code delimiter})
 * @param fixedBytes       message size for {@code fixed} ({@code fixedBytes})
 * @param maxFrameBytes    largest frame accepted in a framed mode ({@code maxFrameBytes})
 * @param idleTimeout      no traffic either way for this long closes the connection; 0 = never ({@code idleTimeout})
 * @param frameTimeout     a frame started but not finished within this closes the connection; 0 = never ({@code frameTimeout})
 * @param maxConnections   open connections allowed on this listener; more are told why and closed ({@code maxConnections})
 * @param writeQueueBytes  pending output per connection above which the server stops reading it ({@code writeQueueBytes})
 * @param tcpNoDelay       TCP_NODELAY ({@code tcpNoDelay})
 * @param reusePort        SO_REUSEPORT ({@code reusePort})
 * @param acceptBacklog    listen backlog ({@code acceptBacklog})
 * @param tls              TLS settings, or null for plain TCP ({@code tls.certPath}, {@code tls.keyPath})
 */
public record EchoListenerConfig(
    String name,
    String host,
    int port,
    String unixSocket,
    Framing framing,
    Buffer delimiter,
    int fixedBytes,
    int maxFrameBytes,
    Duration idleTimeout,
    Duration frameTimeout,
    int maxConnections,
    int writeQueueBytes,
    boolean tcpNoDelay,
    boolean reusePort,
    int acceptBacklog,
    TlsConfig tls) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 7007;
  public static final Framing DEFAULT_FRAMING = Framing.RAW;
  public static final String DEFAULT_DELIMITER = "\\n";
  public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
  public static final int MAX_MAX_FRAME_BYTES = 64 * 1024 * 1024;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_FRAME_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  public static final int DEFAULT_WRITE_QUEUE_BYTES = 64 * 1024;
  public static final boolean DEFAULT_TCP_NO_DELAY = true;
  public static final int DEFAULT_ACCEPT_BACKLOG = 1024;

  /** A raw listener on the default address with every default; tests adjust it with the {@code with*} methods. */
  public static EchoListenerConfig defaults() {
    return new EchoListenerConfig(DEFAULT_FRAMING.wireName(), DEFAULT_HOST, DEFAULT_PORT, "", DEFAULT_FRAMING,
        EscapedText.toBytes(DEFAULT_DELIMITER), 0, DEFAULT_MAX_FRAME_BYTES, DEFAULT_IDLE_TIMEOUT, DEFAULT_FRAME_TIMEOUT,
        DEFAULT_MAX_CONNECTIONS, DEFAULT_WRITE_QUEUE_BYTES, DEFAULT_TCP_NO_DELAY, false, DEFAULT_ACCEPT_BACKLOG, null);
  }

  /** A Unix domain socket listener has no TCP address. */
  public boolean isUnixSocket() {
    return !unixSocket.isEmpty();
  }

  /** The address as written in logs: {@code 127.0.0.1:7007} or the socket path. */
  public String configuredAddress() {
    return isUnixSocket() ? unixSocket : Addresses.hostPort(host, port);
  }

  public EchoListenerConfig withPort(int newPort) {
    return new EchoListenerConfig(name, host, newPort, unixSocket, framing, delimiter, fixedBytes, maxFrameBytes,
        idleTimeout, frameTimeout, maxConnections, writeQueueBytes, tcpNoDelay, reusePort, acceptBacklog, tls);
  }

  static EchoListenerConfig read(ConfigNode node) {
    Framing framing = node.choice("framing", DEFAULT_FRAMING, Framing.byWireName(),
        doc("how the stream is cut into messages: `raw`, `line`, `length`, `length-ascii` or `fixed`"));
    String name = node.string("name", framing.wireName(),
        doc("label in logs, events and counters; unique").defaultShownAs("the framing name"));
    String host = node.string("host", DEFAULT_HOST, doc("bind address (`::1`, `::`, `0.0.0.0` …)"));
    int port = node.port("port", DEFAULT_PORT, doc("TCP port; `0` = an ephemeral port (logged at start)"));
    String unixSocket = node.string("unixSocket", "", doc("a path here listens on a Unix domain socket instead of host and port"));
    Buffer delimiter = EscapedText.toBytes(node.string("delimiter", DEFAULT_DELIMITER,
        doc("`line` framing's delimiter; escapes `\\n` `\\r` `\\t` `\\0` `\\\\` `\\xHH`, e.g. `\\r\\n` or `,`")));
    int fixedBytes = node.integer("fixedBytes", 0, 0, MAX_MAX_FRAME_BYTES,
        doc("`fixed` framing's message size (required for `fixed`)"));
    int maxFrameBytes = node.integer("maxFrameBytes", DEFAULT_MAX_FRAME_BYTES, 1, MAX_MAX_FRAME_BYTES,
        doc("largest frame in the framed modes; a larger one gets `ERR frame too long (limit N)` and the connection"
            + " closes"));
    if (delimiter.length() == 0 || delimiter.length() > 16) {
      throw node.conflict("delimiter", "must be 1 to 16 bytes");
    }
    if (framing == Framing.FIXED && fixedBytes == 0) {
      throw node.conflict("fixedBytes", "required (1 or more) when framing is fixed");
    }
    if (fixedBytes > maxFrameBytes) {
      throw node.conflict("fixedBytes", fixedBytes + " exceeds maxFrameBytes " + maxFrameBytes);
    }
    EchoListenerConfig config = new EchoListenerConfig(name, host, port, unixSocket, framing, delimiter, fixedBytes,
        maxFrameBytes,
        node.duration("idleTimeout", DEFAULT_IDLE_TIMEOUT, doc("no traffic either way for this long closes the connection")),
        node.duration("frameTimeout", DEFAULT_FRAME_TIMEOUT,
            doc("a frame begun but not finished within this closes the connection")),
        node.integer("maxConnections", DEFAULT_MAX_CONNECTIONS, 1, 10_000_000,
            doc("open connections of this listener; more are accepted, told why in one line, and closed")),
        node.integer("writeQueueBytes", DEFAULT_WRITE_QUEUE_BYTES, 1024, 64 * 1024 * 1024,
            doc("pending output per connection above which the server stops reading it")),
        node.bool("tcpNoDelay", DEFAULT_TCP_NO_DELAY, doc("TCP_NODELAY")),
        node.bool("reusePort", false, doc("SO_REUSEPORT")),
        node.integer("acceptBacklog", DEFAULT_ACCEPT_BACKLOG, 1, 65535, doc("listen(2) backlog")),
        TlsConfig.read(node.child("tls", doc("TLS on this listener"))));
    node.finish();
    return config;
  }
}
