package dev.switchboard.echo;

import dev.switchboard.listen.Addresses;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

/** A client's address as events and logs show it. */
final class RemoteAddress {

  private RemoteAddress() {
  }

  static String of(NetSocket socket) {
    SocketAddress address = socket.remoteAddress();
    if (address == null) {
      return "unknown";
    }
    if (address.isDomainSocket()) {
      return "unix:" + address.path();
    }
    return Addresses.hostPort(address.hostAddress(), address.port());
  }
}
