package dev.switchboard.config;

import static dev.switchboard.config.KeyDoc.doc;

import dev.switchboard.net.CidrAllowList;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The UDP datagram service ({@code udp.*}).
 *
 * @param host               bind address ({@code host}); {@code ::1} or {@code ::} for IPv6
 * @param port               bind port, 0 for an ephemeral one ({@code port})
 * @param replyMode          {@code echo}, {@code hello}, {@code upper} or {@code none} ({@code replyMode})
 * @param maxDatagramBytes   largest datagram accepted; a larger one is counted as truncated and not answered
 *                           ({@code maxDatagramBytes})
 * @param receiveBufferBytes SO_RCVBUF, 0 for the OS default ({@code receiveBufferBytes})
 * @param sendBufferBytes    SO_SNDBUF, 0 for the OS default ({@code sendBufferBytes})
 * @param reusePort          SO_REUSEPORT, which lets the {@code instances} sockets share the port ({@code reusePort})
 * @param publish            publish every datagram on {@code udp.datagrams} ({@code publish})
 * @param publishQueue       events waiting to be published at most; more are dropped and counted ({@code publishQueue})
 * @param publishMaxLag      when local consumers fall this far behind, new events are dropped and counted until they
 *                           catch up ({@code publishMaxLag})
 * @param rateLimit          datagrams per second per source address ({@code rateLimit.perSecond}, {@code .burst},
 *                           {@code .maxSources}); off by default
 * @param sendAllow          destinations {@code udp.send} may reach, as CIDR blocks ({@code send.allow})
 * @param sendMaxInFlight    {@code udp.send} requests in progress at most ({@code send.maxInFlight})
 * @param sendMaxTimeout     longest reply wait a {@code udp.send} request may ask for ({@code send.maxTimeout})
 * @param multicastGroup     multicast group to join, empty for none ({@code multicast.group})
 * @param multicastInterface network interface for the group ({@code multicast.interface})
 */
public record UdpConfig(
    String host,
    int port,
    ReplyMode replyMode,
    int maxDatagramBytes,
    int receiveBufferBytes,
    int sendBufferBytes,
    boolean reusePort,
    boolean publish,
    int publishQueue,
    Duration publishMaxLag,
    RateLimitConfig rateLimit,
    CidrAllowList sendAllow,
    int sendMaxInFlight,
    Duration sendMaxTimeout,
    String multicastGroup,
    String multicastInterface) {

  /** What the service answers a datagram with. */
  public enum ReplyMode {
    /** The same bytes. */
    ECHO,
    /** {@code Hello, } followed by the bytes. */
    HELLO,
    /** The bytes with ASCII letters upper-cased; other bytes unchanged. */
    UPPER,
    /** No answer: receive, count and publish only. */
    NONE
  }

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 7007;
  public static final ReplyMode DEFAULT_REPLY_MODE = ReplyMode.ECHO;
  /** The largest payload of a UDP datagram over IPv4. */
  public static final int MAX_UDP_PAYLOAD = 65507;
  public static final int DEFAULT_MAX_DATAGRAM_BYTES = MAX_UDP_PAYLOAD;
  public static final int DEFAULT_PUBLISH_QUEUE = 4096;
  public static final Duration DEFAULT_PUBLISH_MAX_LAG = Duration.ofMillis(250);
  public static final List<String> DEFAULT_SEND_ALLOW = List.of("127.0.0.0/8", "::1/128");
  public static final int DEFAULT_SEND_MAX_IN_FLIGHT = 256;
  public static final Duration DEFAULT_SEND_MAX_TIMEOUT = Duration.ofSeconds(30);

  public static UdpConfig defaults() {
    return new UdpConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_REPLY_MODE, DEFAULT_MAX_DATAGRAM_BYTES, 0, 0, true,
        true, DEFAULT_PUBLISH_QUEUE, DEFAULT_PUBLISH_MAX_LAG, RateLimitConfig.off(),
        CidrAllowList.parse(DEFAULT_SEND_ALLOW), DEFAULT_SEND_MAX_IN_FLIGHT, DEFAULT_SEND_MAX_TIMEOUT, "", "");
  }

  public boolean isIpV6() {
    return host.contains(":");
  }

  public UdpConfig withPort(int newPort) {
    return new UdpConfig(host, newPort, replyMode, maxDatagramBytes, receiveBufferBytes, sendBufferBytes, reusePort,
        publish, publishQueue, publishMaxLag, rateLimit, sendAllow, sendMaxInFlight,
        sendMaxTimeout, multicastGroup, multicastInterface);
  }

  static UdpConfig read(ConfigNode node) {
    String host = node.string("host", DEFAULT_HOST,
        doc("UDP bind address: `::1` for IPv6, a multicast group address to receive that group"));
    int port = node.port("port", DEFAULT_PORT, doc("UDP port; `0` = an ephemeral port"));
    ReplyMode replyMode = node.choice("replyMode", DEFAULT_REPLY_MODE, Map.of("echo", ReplyMode.ECHO,
        "hello", ReplyMode.HELLO, "upper", ReplyMode.UPPER, "none", ReplyMode.NONE),
        doc("`echo`, `hello` (\"Hello, \" + data), `upper` (ASCII upper-case) or `none`"));
    int maxDatagramBytes = node.integer("maxDatagramBytes", DEFAULT_MAX_DATAGRAM_BYTES, 1, 65535,
        doc("larger datagrams arrive cut off: counted as truncated, not answered"));
    int receiveBufferBytes = node.integer("receiveBufferBytes", 0, 0, 1 << 30, doc("SO_RCVBUF; `0` = the OS default"));
    int sendBufferBytes = node.integer("sendBufferBytes", 0, 0, 1 << 30, doc("SO_SNDBUF; `0` = the OS default"));
    boolean reusePort = node.bool("reusePort", true, doc("SO_REUSEPORT, so that the instances share the port"
        + " (another process holding it is still refused)"));
    boolean publish = node.bool("publish", true, doc("publish each datagram on `udp.datagrams`"));
    int publishQueue = node.integer("publishQueue", DEFAULT_PUBLISH_QUEUE, 1, 10_000_000,
        doc("events waiting to be published at most; more are dropped and counted"));
    Duration publishMaxLag = node.duration("publishMaxLag", DEFAULT_PUBLISH_MAX_LAG,
        doc("local consumers this far behind: new events are dropped (counted) until they catch up; `0` = off"));
    RateLimitConfig rateLimit = RateLimitConfig.read(node.child("rateLimit",
        doc("a token bucket per source address")), "maxSources", "datagrams");
    ConfigNode send = node.child("send", doc("the `udp.send` bus request"));
    List<String> allow = send.strings("allow", DEFAULT_SEND_ALLOW,
        doc("CIDR blocks `udp.send` may reach; names are resolved, then checked"));
    CidrAllowList allowList;
    try {
      allowList = CidrAllowList.parse(allow);
    } catch (IllegalArgumentException e) {
      throw send.conflict("allow", e.getMessage());
    }
    int maxInFlight = send.integer("maxInFlight", DEFAULT_SEND_MAX_IN_FLIGHT, 1, 100_000,
        doc("sends in progress at once; more are refused (429)"));
    Duration maxTimeout = send.duration("maxTimeout", DEFAULT_SEND_MAX_TIMEOUT,
        doc("longest reply wait a request may ask for"));
    send.finish();
    ConfigNode multicast = node.child("multicast", doc("receiving a multicast group"));
    String group = multicast.string("group", "",
        doc("multicast group to join, e.g. `239.255.42.99` (then bind `udp.host` to the group address too)"));
    String iface = multicast.string("interface", "", doc("network interface of the group, e.g. `lo`, `eth0`"));
    multicast.finish();
    UdpConfig config = new UdpConfig(host, port, replyMode, maxDatagramBytes, receiveBufferBytes, sendBufferBytes,
        reusePort, publish, publishQueue, publishMaxLag, rateLimit, allowList, maxInFlight, maxTimeout, group, iface);
    node.finish();
    return config;
  }
}
