package dev.switchboard.deploy.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * Connects like Python's {@code socket.create_connection}: every address the host name resolves to (IPv6 and IPv4)
 * is tried in turn, each within the connect timeout, optionally from a given local address; the last error is reported.
 */
final class Connector {

  private Connector() {
  }

  /** @param tls how to speak TLS over the connection, or null for plain TCP */
  static Socket connect(HostPort target, HostPort source, int timeoutMs, ClientTls tls) throws ClientException {
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(target.host());
    } catch (UnknownHostException e) {
      throw new ClientException(ClientException.UNREACHABLE, "cannot resolve " + target.host());
    }
    IOException last = null;
    for (InetAddress address : addresses) {
      Socket socket = new Socket();
      try {
        if (source != null) {
          socket.bind(new InetSocketAddress(source.host(), source.port()));
        }
        socket.connect(new InetSocketAddress(address, target.port()), timeoutMs);
        socket.setTcpNoDelay(true);
        return tls == null ? socket : tls.wrap(socket, target);
      } catch (IOException e) {
        last = e;
        try {
          socket.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
    }
    throw new ClientException(ClientException.UNREACHABLE, "cannot connect to " + target + ": " + describe(last));
  }

  static String describe(IOException e) {
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    if (e instanceof SocketTimeoutException) {
      return "timed out";
    }
    if (e instanceof NoRouteToHostException) {
      return "no route to host";
    }
    return String.valueOf(e == null ? "no address" : e.getMessage());
  }
}
