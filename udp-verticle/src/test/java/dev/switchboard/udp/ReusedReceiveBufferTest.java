package dev.switchboard.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReusedReceiveBufferTest {

  private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

  @Test
  @DisplayName("each read gets the same direct buffer, empty, once the last read's datagrams are released; a fresh one "
      + "while a datagram is still held; the buffer is freed on release")
  void reuse() {
    ReusedReceiveBuffer reused = new ReusedReceiveBuffer(1000, 16);
    RecvByteBufAllocator.Handle handle = reused.newHandle();

    // A read as Netty makes it: the datagram is a slice that holds the buffer, and Netty lets go of the buffer.
    ByteBuf first = handle.allocate(ALLOC);
    assertThat(first.isDirect()).isTrue();
    assertThat(first.maxCapacity()).isEqualTo(1000);
    ByteBuf datagram = first.writeZero(10).retainedSlice(0, 10);
    first.release();

    ByteBuf whileHeld = handle.allocate(ALLOC);
    assertThat(whileHeld).as("the datagram of the last read is still held").isNotSameAs(first);
    whileHeld.release();

    datagram.release();
    ByteBuf again = handle.allocate(ALLOC);
    assertThat(again).isSameAs(first);
    assertThat(again.writerIndex()).isZero();
    again.release();

    reused.release();
    assertThat(first.refCnt()).isZero();
  }
}
