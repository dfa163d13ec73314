package dev.switchboard.udp;

import io.netty.channel.ChannelHandler;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.vertx.core.datagram.DatagramSocket;
import java.lang.reflect.Field;
import java.net.StandardSocketOptions;

/**
 * Reaches the Netty channel under a Vert.x datagram socket, which Vert.x 5 does not expose, to size its receive
 * buffer, set SO_REUSEPORT and handle datagrams in its pipeline. Netty reads each datagram into a fixed 2048-byte
 * buffer unless told otherwise, silently cutting larger ones; Vert.x only changes that together with SO_RCVBUF. One
 * place holds this reflection, and it fails loudly if a Vert.x upgrade moves the field.
 */
final class DatagramChannels {

  private static final int DATAGRAMS_PER_READ = 16;

  private DatagramChannels() {
  }

  /**
   * Reads each datagram into {@code bytes} bytes: one more than the largest accepted, so a larger one is recognised.
   * Up to {@value #DATAGRAMS_PER_READ} datagrams are read per wake-up of the event loop (Vert.x sets one).
   */
  static void readBufferBytes(DatagramSocket socket, int bytes) {
    channel(socket).config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(bytes).maxMessagesPerRead(DATAGRAMS_PER_READ));
  }

  /** Puts {@code handler} ahead of Vert.x's own, so that it sees (and consumes) every datagram first. */
  static void handleDatagrams(DatagramSocket socket, ChannelHandler handler) {
    channel(socket).pipeline().addFirst("switchboard-datagrams", handler);
  }

  /** SO_REUSEPORT before bind. Vert.x applies it on the epoll transport only; this covers NIO too. */
  static void reusePort(DatagramSocket socket) {
    DatagramChannel channel = channel(socket);
    if (channel instanceof NioDatagramChannel) {
      channel.config().setOption(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
    }
  }

  private static DatagramChannel channel(DatagramSocket socket) {
    try {
      Field field = socket.getClass().getDeclaredField("channel");
      field.setAccessible(true);
      return (DatagramChannel) field.get(socket);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException("cannot reach the Netty channel of " + socket.getClass().getName()
          + " (Vert.x internals changed?)", e);
    }
  }
}
