package dev.switchboard.udp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.UdpConfig;
import dev.switchboard.counters.UdpCounters;
import dev.switchboard.counters.UdpCounters.Drop;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
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

  @Test
  @DisplayName("answers past the send queue's high-water mark are dropped and counted, not queued; every buffer is released")
  void sendQueueFull() {
    UdpCounters counters = new UdpCounters();
    EmbeddedChannel channel = new EmbeddedChannel(new DatagramHandler(UdpConfig.defaults(), counters, null, null));
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 1));
    List<DatagramPacket> received = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      received.add(new DatagramPacket(Unpooled.wrappedBuffer(new byte[64]), SERVER, CLIENT));
    }

    // One read batch: the answers wait in the channel until the batch's flush. The first passes the 1-byte mark, so
    // the other four find the channel unwritable.
    channel.writeInbound(received.toArray());

    assertThat(counters.received()).isEqualTo(5);
    assertThat(counters.replied()).isEqualTo(1);
    assertThat(counters.dropped(Drop.SEND_QUEUE_FULL)).isEqualTo(4);
    DatagramPacket first = channel.readOutbound();
    assertThat(first.recipient()).isEqualTo(CLIENT);
    assertThat(ByteBufUtil.getBytes(first.content())).hasSize(64).startsWith(0);
    first.release();
    assertThat((Object) channel.readOutbound()).isNull();
    assertThat(received).allSatisfy(packet -> assertThat(packet.refCnt()).as("received buffer released").isZero());

    // Once the queue has gone out the channel is writable again and answers flow.
    channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {7}), SERVER, CLIENT));
    assertThat(counters.replied()).isEqualTo(2);
    DatagramPacket answer = channel.readOutbound();
    assertThat(ByteBufUtil.getBytes(answer.content())).containsExactly(7);
    answer.release();
    assertThat(channel.finish()).isFalse();
  }
}
