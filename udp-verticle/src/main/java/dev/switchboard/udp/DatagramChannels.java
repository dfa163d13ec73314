package dev.switchboard.udp;

import dev.switchboard.access.NettyChannels;
import io.netty.channel.ChannelHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.vertx.core.datagram.DatagramSocket;
import java.net.StandardSocketOptions;

/**
 * Works on the Netty channel under a Vert.x datagram socket ({@link NettyChannels#channelOf}), to size its receive
 * buffer, read in batches, set SO_REUSEPORT and handle datagrams in its pipeline. Netty reads each datagram into a
 * fixed 2048-byte buffer unless told otherwise, silently cutting larger ones; Vert.x only changes that together with
 * SO_RCVBUF, and reads one datagram per wake-up of the event loop. The buffer is kept and reused
 * ({@link ReusedReceiveBuffer}).
 *
 * <p>UDP_GRO stays off. With it the kernel hands several datagrams of one sender over as one, which Netty splits at
 * the size the kernel reports; but a coalesced run longer than the read buffer is cut (MSG_TRUNC, which Netty does
 * not look at), and the cut-off piece would be answered as a datagram nobody sent. On loopback the kernel coalesces
 * only what a sender sent with UDP_SEGMENT, and a request-reply client has one datagram in flight: nothing to gain.
 */
final class DatagramChannels {

  /** Datagrams read per wake-up of the event loop; on epoll also the most one {@code recvmmsg} reads. */
  static final int DATAGRAMS_PER_READ = 16;

  private DatagramChannels() {
  }

  /**
   * Reads each datagram into {@code bytes} bytes: one more than the largest accepted, so a larger one is recognised.
   * On epoll up to {@value #DATAGRAMS_PER_READ} datagrams are read per wake-up, one system call each (NIO stops at
   * the first datagram that does not fill the buffer: after each).
   */
  static void readBufferBytes(DatagramSocket socket, int bytes) {
    readInto(NettyChannels.channelOf(socket), bytes);
  }

  /**
   * As {@link #readBufferBytes}, but on the epoll transport all of a wake-up's datagrams are read with one
   * {@code recvmmsg}: Netty cuts one buffer of {@value #DATAGRAMS_PER_READ} segments of {@code bytes} bytes, one per
   * datagram. The kernel cuts a larger datagram at its segment's end as it cuts it at a single buffer's end, so it
   * still arrives {@code bytes} bytes long and is recognised.
   */
  static void readInBatches(DatagramSocket socket, int bytes) {
    readInBatches(NettyChannels.channelOf(socket), bytes);
  }

  static void readInBatches(DatagramChannel channel, int bytes) {
    if (channel instanceof EpollDatagramChannel epoll) {
      // Netty uses recvmmsg only when the buffer holds more than one segment of this size.
      epoll.config().setMaxDatagramPayloadSize(bytes);
      readInto(channel, bytes * DATAGRAMS_PER_READ);
    } else {
      readInto(channel, bytes);
    }
  }

  private static void readInto(DatagramChannel channel, int bytes) {
    // Counted in datagrams, also when one recvmmsg reads several.
    ReusedReceiveBuffer buffer = new ReusedReceiveBuffer(bytes, DATAGRAMS_PER_READ);
    channel.config().setRecvByteBufAllocator(buffer);
    channel.closeFuture().addListener(closed -> buffer.release());
  }

  /** Puts {@code handler} ahead of Vert.x's own, so that it sees (and consumes) every datagram first. */
  static void handleDatagrams(DatagramSocket socket, ChannelHandler handler) {
    NettyChannels.channelOf(socket).pipeline().addFirst("switchboard-datagrams", handler);
  }

  /** SO_REUSEPORT before bind. Vert.x applies it on the epoll transport only; this covers NIO too. */
  static void reusePort(DatagramSocket socket) {
    DatagramChannel channel = NettyChannels.channelOf(socket);
    if (channel instanceof NioDatagramChannel) {
      channel.config().setOption(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
    }
  }
}
