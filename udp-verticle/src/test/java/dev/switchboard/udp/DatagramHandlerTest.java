package dev.switchboard.udp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.UdpConfig;
import dev.switchboard.udp.UdpMeters.Drop;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The handler on a Netty channel whose sends can be held back at will. A real UDP socket on loopback does not refuse
 * sends (the receiver drops instead), so the send queue filling up is only reachable this way.
 */
class DatagramHandlerTest {

  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 4000);
  private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 5000);

  /** Stands in for a kernel that refuses sends: while stalled, flushes stop here and answers stay in the channel. */
  private static final class StallingSocket extends ChannelOutboundHandlerAdapter {
    private boolean stalled;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      if (!stalled) {
        ctx.flush();
      }
    }
  }

  private final List<DatagramPacket> received = new ArrayList<>();

  /** {@code count} datagrams of 1,000 bytes, the first byte of each its number from {@code first}. */
  private Object[] datagrams(int first, int count) {
    List<DatagramPacket> batch = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      batch.add(new DatagramPacket(Unpooled.buffer(1000).writeByte(i).writeZero(999), SERVER, CLIENT));
    }
    received.addAll(batch);
    return batch.toArray();
  }

  private static List<Integer> sent(EmbeddedChannel channel) {
    List<Integer> numbers = new ArrayList<>();
    for (DatagramPacket answer; (answer = channel.readOutbound()) != null; answer.release()) {
      assertThat(answer.recipient()).isEqualTo(CLIENT);
      assertThat(answer.content().readableBytes()).isEqualTo(1000);
      numbers.add((int) answer.content().getByte(0));
    }
    return numbers;
  }

  @Test
  @DisplayName("a read batch larger than the send mark goes out whole; answers past the mark while the kernel refuses "
      + "sends are dropped and counted; every buffer is released")
  void sendQueueFull() {
    UdpMeters meters = new UdpMeters(new SimpleMeterRegistry());
    StallingSocket socket = new StallingSocket();
    EmbeddedChannel channel = new EmbeddedChannel(socket, new DatagramHandler(UdpConfig.defaults(), meters, null, null));
    // About four answers of 1,000 bytes pass the 4 KB mark (Netty adds its own overhead to each).
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(2048, 4096));

    // Eight in one read batch: answers are flushed once per batch, but a batch over the mark is sent as it goes.
    channel.writeInbound(datagrams(0, 8));
    assertThat(sent(channel)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(meters.replied()).isEqualTo(8);
    assertThat(meters.dropped(Drop.SEND_QUEUE_FULL)).isZero();

    // The kernel stops taking datagrams: four answers wait in the channel, the other four are dropped.
    socket.stalled = true;
    channel.writeInbound(datagrams(10, 8));
    assertThat(sent(channel)).isEmpty();
    assertThat(meters.dropped(Drop.SEND_QUEUE_FULL)).isEqualTo(4);

    // It takes them again: the waiting answers go out, and new ones flow.
    socket.stalled = false;
    channel.flush();
    assertThat(sent(channel)).containsExactly(10, 11, 12, 13);
    channel.writeInbound(datagrams(20, 1));
    assertThat(sent(channel)).containsExactly(20);
    assertThat(meters.received()).isEqualTo(17);
    assertThat(meters.replied()).isEqualTo(13);
    assertThat(received).allSatisfy(packet -> assertThat(packet.refCnt()).as("received buffer released").isZero());
    assertThat(channel.finish()).isFalse();
  }
}
