package dev.switchboard.config;

/**
 * The UDP datagram service.
 *
 * @param host bind address ({@code udp.host})
 * @param port bind port, 0 for an ephemeral one ({@code udp.port})
 */
public record UdpConfig(String host, int port) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 7007;

  public static UdpConfig defaults() {
    return new UdpConfig(DEFAULT_HOST, DEFAULT_PORT);
  }

  static UdpConfig read(ConfigNode node) {
    UdpConfig config = new UdpConfig(node.string("host", DEFAULT_HOST), node.port("port", DEFAULT_PORT));
    node.finish();
    return config;
  }
}
