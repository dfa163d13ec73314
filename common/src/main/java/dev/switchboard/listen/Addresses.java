package dev.switchboard.listen;

import io.vertx.core.net.SocketAddress;
import java.net.InetSocketAddress;

/** Writes addresses the way people type them: host and port, IPv6 hosts in brackets. */
public final class Addresses {

  private Addresses() {
  }

  public static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  public static String hostPort(InetSocketAddress address) {
    return hostPort(address.getAddress().getHostAddress(), address.getPort());
  }

  /** A peer as events and logs show it; {@code unix:PATH} for a Unix domain socket, {@code unknown} for none. */
  public static String remote(SocketAddress address) {
    if (address == null) {
      return "unknown";
    }
    if (address.isDomainSocket()) {
      return "unix:" + address.path();
    }
    return hostPort(address.hostAddress(), address.port());
  }
}
