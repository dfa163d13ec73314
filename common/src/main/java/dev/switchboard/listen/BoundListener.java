package dev.switchboard.listen;

/**
 * A listener that is open and serving.
 *
 * @param service   {@code echo}, {@code udp} or {@code gateway}
 * @param name      the listener's name within its service
 * @param transport {@code tcp}, {@code tls}, {@code unix}, {@code udp} or {@code http}
 * @param address   the real address, with the port the OS chose when 0 was configured: {@code 127.0.0.1:7007}
 * @param port      the real port, or -1 for a Unix domain socket
 */
public record BoundListener(String service, String name, String transport, String address, int port) {

  /** The line the launcher logs for it. */
  public String describe() {
    return service + " listener " + name + " (" + transport + ") on " + address;
  }
}
