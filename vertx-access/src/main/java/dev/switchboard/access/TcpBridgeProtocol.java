package dev.switchboard.access;

import io.vertx.core.Handler;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.lang.reflect.Method;

/**
 * The TCP event-bus bridge's protocol, for the sockets of a server of one's own. The bridge serves only a server it
 * creates itself, and its one hook ({@code bridgeEvent}) sees frames its parser has already read; nothing public lets
 * a caller admit a connection or put a handler before that parser. Its per-connection handler is a private method,
 * called here by reflection.
 */
public final class TcpBridgeProtocol {

  private static final String ACCESS = "TcpBridgeProtocol.of(TcpEventBusBridge)";

  private TcpBridgeProtocol() {
  }

  /** The bridge's handler of one connection: it reads frames from the socket and answers on it from then on. */
  public static Handler<NetSocket> of(TcpEventBusBridge bridge) {
    Method handler;
    try {
      handler = bridge.getClass().getDeclaredMethod("handler", NetSocket.class);
      handler.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new InternalsChanged(ACCESS, bridge.getClass().getName() + " has no accessible handler(NetSocket)", e);
    }
    return socket -> {
      try {
        handler.invoke(bridge, socket);
      } catch (ReflectiveOperationException e) {
        socket.close();
        throw new IllegalStateException("bridge protocol handler failed", e);
      }
    };
  }
}
