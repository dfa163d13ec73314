package dev.switchboard.access;

import io.vertx.core.Handler;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.ShutdownEvent;

/**
 * The Netty user events of a socket's channel, which Vert.x 5 passes on only through its internal socket API: Netty's
 * {@code ChannelInputShutdownEvent} is the only sign of a client's half-close (Vert.x has no half-close API).
 */
public final class SocketEvents {

  private SocketEvents() {
  }

  /**
   * Sends every user event of the socket's channel to {@code handler}, on the socket's context. Vert.x then no longer
   * acts on them itself: its graceful shutdown ({@link #isShutdown}) reaches the handler instead of closing the
   * socket, and the handler releases what it receives.
   */
  public static void listen(NetSocket socket, Handler<Object> handler) {
    if (!(socket instanceof NetSocketInternal internal)) {
      throw new InternalsChanged("SocketEvents.listen(NetSocket)",
          socket.getClass().getName() + " is not a NetSocketInternal");
    }
    internal.eventHandler(handler);
  }

  /** Whether {@code event} is Vert.x's graceful shutdown of the socket: its server or Vert.x itself is closing. */
  public static boolean isShutdown(Object event) {
    return event instanceof ShutdownEvent;
  }
}
