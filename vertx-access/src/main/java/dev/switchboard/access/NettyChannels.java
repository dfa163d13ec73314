package dev.switchboard.access;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramChannel;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.ConnectionBase;
import java.lang.reflect.Field;

/**
 * The Netty channel under a Vert.x socket or connection, which Vert.x 5 does not expose: to set channel options Vert.x
 * has no setting for, put handlers in the pipeline, and keep state on the channel.
 */
public final class NettyChannels {

  private NettyChannels() {
  }

  /**
   * The context of Vert.x's own handler, last in the socket's pipeline: its channel, its pipeline (a handler added
   * before it sees the bytes before Vert.x does), and a {@code close()} that skips Vert.x's handler, whose own close
   * first waits for its queue to flush.
   */
  public static ChannelHandlerContext handlerOf(NetSocket socket) {
    if (socket instanceof NetSocketInternal internal) {
      return internal.channelHandlerContext();
    }
    throw new InternalsChanged("NettyChannels.handlerOf(NetSocket)",
        socket.getClass().getName() + " is not a NetSocketInternal");
  }

  /** As {@link #handlerOf(NetSocket)}, for a connection of an HTTP server (HTTP/1.x or HTTP/2). */
  public static ChannelHandlerContext handlerOf(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      return base.channelHandlerContext();
    }
    throw new InternalsChanged("NettyChannels.handlerOf(HttpConnection)",
        connection.getClass().getName() + " is not a ConnectionBase");
  }

  /**
   * The channel of a datagram socket. Vert.x keeps it in a private field and has no internal API for it either, so it
   * is read by reflection.
   */
  public static DatagramChannel channelOf(DatagramSocket socket) {
    try {
      Field field = socket.getClass().getDeclaredField("channel");
      field.setAccessible(true);
      return (DatagramChannel) field.get(socket);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new InternalsChanged("NettyChannels.channelOf(DatagramSocket)",
          socket.getClass().getName() + " has no field 'channel' holding a Netty DatagramChannel", e);
    }
  }
}
