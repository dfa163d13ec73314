package dev.switchboard.config;

/**
 * The HTTP gateway.
 *
 * @param host bind address ({@code gateway.host})
 * @param port bind port, 0 for an ephemeral one ({@code gateway.port})
 */
public record GatewayConfig(String host, int port) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;

  public static GatewayConfig defaults() {
    return new GatewayConfig(DEFAULT_HOST, DEFAULT_PORT);
  }

  static GatewayConfig read(ConfigNode node) {
    GatewayConfig config = new GatewayConfig(node.string("host", DEFAULT_HOST), node.port("port", DEFAULT_PORT));
    node.finish();
    return config;
  }
}
