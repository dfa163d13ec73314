package dev.switchboard.listen;

/** Writes host and port the way people type them: IPv6 hosts in brackets. */
public final class Addresses {

  private Addresses() {
  }

  public static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
