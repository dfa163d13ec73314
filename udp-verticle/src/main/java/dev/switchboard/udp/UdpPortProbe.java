package dev.switchboard.udp;

import dev.switchboard.config.UdpConfig;
import dev.switchboard.listen.Addresses;
import dev.switchboard.listen.ListenFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;

/**
 * Whether another process already holds the UDP port. With SO_REUSEPORT the instances of this process share the port,
 * but so would a second Switchboard (or anything else bound with SO_REUSEPORT by the same user): its bind succeeds and
 * the kernel splits the datagrams between the two processes without a word. So before any instance binds, one plain
 * socket binds the address without SO_REUSEPORT and closes again: that bind fails if any socket holds the port, with
 * or without SO_REUSEPORT. It runs once per service, before the instances, so they never see each other's probe.
 *
 * <p>Another process can still bind between the probe and the instances; the window is the instant between two
 * binds at start-up. A multicast receiver is not probed: receivers of a group share its port by design, and each
 * gets every datagram.
 */
final class UdpPortProbe {

  private UdpPortProbe() {
  }

  /** Fails with a {@link ListenFailure} naming the address when something already holds it. */
  static Future<Void> check(Vertx vertx, UdpConfig config) {
    if (config.port() == 0 || !config.multicastGroup().isEmpty()) {
      return Future.succeededFuture();
    }
    String configured = Addresses.hostPort(config.host(), config.port());
    // Name resolution and bind are blocking calls, if short ones.
    return vertx.<Void>executeBlocking(() -> {
      probe(config.host(), config.port());
      return null;
    }, false).recover(err -> Future.failedFuture(new ListenFailure("udp", "udp", configured, err)));
  }

  private static void probe(String host, int port) throws IOException {
    InetAddress address = InetAddress.getByName(host);
    if (address.isMulticastAddress()) {
      return;
    }
    // The same family the service's sockets use, so that the probe binds exactly what they will.
    ProtocolFamily family = address instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    try (DatagramChannel channel = DatagramChannel.open(family)) {
      channel.bind(new InetSocketAddress(address, port));
    }
  }
}
