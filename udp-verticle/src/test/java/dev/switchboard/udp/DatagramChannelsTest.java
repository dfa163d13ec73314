package dev.switchboard.udp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.access.NettyChannels;
import dev.switchboard.testing.Await;
import dev.switchboard.udp.UdpMeters.Drop;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.logging.LoggingHandler;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each way {@link DatagramChannels} reaches under Vert.x, on both transports: a Vert.x or Netty upgrade that changes
 * what it relies on fails here, by name, rather than silently slowing the service or cutting datagrams.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatagramChannelsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private static int bufferBytes(DatagramChannel channel) {
    RecvByteBufAllocator.Handle handle = channel.config().getRecvByteBufAllocator().newHandle();
    return handle.guess();
  }

  @Test
  @DisplayName("on NIO: the channel is reached; one datagram per read into maxDatagramBytes + 1 bytes, 16 per wake-up; "
      + "SO_REUSEPORT set; the handler first in the pipeline")
  void nio(Vertx vertx) {
    DatagramSocket socket = vertx.createDatagramSocket();
    try {
      DatagramChannel channel = NettyChannels.channelOf(socket);
      assertThat(channel).isInstanceOf(NioDatagramChannel.class);

      DatagramChannels.readInBatches(socket, 101);
      assertThat(bufferBytes(channel)).isEqualTo(101);
      assertThat(channel.config().getMaxMessagesPerRead()).isEqualTo(DatagramChannels.DATAGRAMS_PER_READ);

      DatagramChannels.reusePort(socket);
      assertThat(channel.config().getOption(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT))).isTrue();

      LoggingHandler handler = new LoggingHandler();
      DatagramChannels.handleDatagrams(socket, handler);
      assertThat(channel.pipeline().first()).isSameAs(handler);
    } finally {
      socket.close();
    }
  }

  @Test
  @DisplayName("on epoll: the channel is reached, and reads go through recvmmsg: 16 segments of maxDatagramBytes + 1 "
      + "bytes per read; the single-read sockets of udp.send keep one buffer")
  void epoll() throws Exception {
    Vertx vertx = RunningUdp.epollVertx();
    try {
      DatagramSocket socket = vertx.createDatagramSocket();
      EpollDatagramChannel channel = (EpollDatagramChannel) NettyChannels.channelOf(socket);
      DatagramChannels.readInBatches(socket, 101);
      assertThat(channel.config().getMaxDatagramPayloadSize()).isEqualTo(101);
      assertThat(bufferBytes(channel)).isEqualTo(101 * DatagramChannels.DATAGRAMS_PER_READ);
      assertThat(channel.config().getMaxMessagesPerRead()).isEqualTo(DatagramChannels.DATAGRAMS_PER_READ);
      assertThat(channel.config().isUdpGro()).as("GRO would merge datagrams").isFalse();

      DatagramSocket single = vertx.createDatagramSocket();
      EpollDatagramChannel singleChannel = (EpollDatagramChannel) NettyChannels.channelOf(single);
      DatagramChannels.readBufferBytes(single, 101);
      assertThat(singleChannel.config().getMaxDatagramPayloadSize()).isZero();
      assertThat(bufferBytes(singleChannel)).isEqualTo(101);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Notes, per read batch, each datagram's length and the buffer it was cut from. */
  private static final class BatchRecorder extends ChannelInboundHandlerAdapter {
    final List<List<Integer>> lengths = new CopyOnWriteArrayList<>();
    final List<List<ByteBuf>> parents = new CopyOnWriteArrayList<>();
    private List<Integer> batchLengths = new ArrayList<>();
    private List<ByteBuf> batchParents = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf content = ((DatagramPacket) msg).content();
      batchLengths.add(content.readableBytes());
      batchParents.add(content.unwrap());
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      lengths.add(batchLengths);
      parents.add(batchParents);
      batchLengths = new ArrayList<>();
      batchParents = new ArrayList<>();
      ctx.fireChannelReadComplete();
    }
  }

  @Test
  @DisplayName("recvmmsg: four datagrams in one call; the one over maxDatagramBytes is cut at its segment and counted "
      + "truncated, the empty one counted, and the datagram after the cut one arrives whole and is answered")
  void recvmmsgKeepsEachDatagramApart() throws Exception {
    if (!Epoll.isAvailable()) {
      RunningUdp.requireEpoll(Epoll.unavailabilityCause());
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    EpollDatagramChannel channel = new EpollDatagramChannel();
    try (java.net.DatagramSocket client = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      UdpMeters meters = new UdpMeters(new SimpleMeterRegistry());
      BatchRecorder batches = new BatchRecorder();
      // Reads only when asked, and then Netty makes one read call: only recvmmsg takes all four datagrams at once.
      channel.config().setAutoRead(false);
      DatagramChannels.readInBatches(channel, 101);
      channel.pipeline().addLast(batches, new DatagramHandler(RunningUdp.config("maxDatagramBytes", "100"), meters,
          null, null));
      group.register(channel).sync();
      channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync();

      byte[] first = filled(100, 'a');
      byte[] last = filled(100, 'd');
      for (byte[] datagram : List.of(first, filled(150, 'b'), new byte[0], last)) {
        client.send(new java.net.DatagramPacket(datagram, datagram.length, channel.localAddress()));
      }
      channel.read();
      Await.condition("four datagrams received", WAIT, () -> meters.received() == 4);

      // On loopback a send has queued its datagram before it returns, so the one read finds all four.
      assertThat(batches.lengths).containsExactly(List.of(100, 101, 0, 100));
      assertThat(batches.parents.get(0)).as("cut from one recvmmsg buffer").allSatisfy(
          parent -> assertThat(parent).isSameAs(batches.parents.get(0).get(0)));
      assertThat(meters.dropped(Drop.TRUNCATED)).isEqualTo(1);
      assertThat(meters.dropped(Drop.EMPTY_REPLY)).isEqualTo(1);
      client.setSoTimeout((int) WAIT.toMillis());
      assertThat(receive(client)).isEqualTo(first);
      assertThat(receive(client)).isEqualTo(last);
      Await.condition("two replies counted", WAIT, () -> meters.replied() == 2);
    } finally {
      channel.close().sync();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  private static byte[] filled(int length, char c) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) c);
    return bytes;
  }

  private static byte[] receive(java.net.DatagramSocket client) throws Exception {
    java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[200], 200);
    client.receive(packet);
    return Arrays.copyOf(packet.getData(), packet.getLength());
  }
}
