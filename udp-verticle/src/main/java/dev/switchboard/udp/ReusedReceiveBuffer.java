package dev.switchboard.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;

/**
 * The receive buffer of one datagram channel, allocated once and read into again and again. Netty would allocate one
 * for every read call, and Netty 4.2's allocator, with a heap of at most 512 MB (the jar's {@code -Xmx512m}), counts
 * as low on memory and gives every buffer over 16,896 bytes a direct chunk of its own, which the JDK zeroes: a 64 KB
 * buffer would be zeroed on every read call, and a {@code recvmmsg} buffer of 16 segments is sixteen times that
 * (the cost is in docs/benchmarks.md).
 *
 * <p>Netty cuts each datagram out of the buffer as a slice that holds it; the service releases every datagram before
 * the next read, and then the buffer is free again. Should anything still hold one, a read gets a fresh buffer
 * instead, so a datagram is never overwritten. Used on the channel's event loop only.
 */
final class ReusedReceiveBuffer extends DefaultMaxMessagesRecvByteBufAllocator {

  private final int bytes;
  private ByteBuf buffer;

  ReusedReceiveBuffer(int bytes, int datagramsPerRead) {
    super(datagramsPerRead);
    this.bytes = bytes;
  }

  @Override
  public Handle newHandle() {
    return new MaxMessageHandle() {
      @Override
      public ByteBuf allocate(ByteBufAllocator alloc) {
        return take(alloc);
      }

      @Override
      public int guess() {
        return bytes;
      }
    };
  }

  private ByteBuf take(ByteBufAllocator alloc) {
    if (buffer == null) {
      // Exactly this size: the epoll channel reads as many recvmmsg segments as the buffer has room for.
      buffer = alloc.directBuffer(bytes, bytes);
    }
    if (buffer.refCnt() > 1) {
      return alloc.directBuffer(bytes, bytes);
    }
    return buffer.retain().clear();
  }

  /** Gives the buffer back once the channel is closed. */
  void release() {
    if (buffer != null) {
      buffer.release();
      buffer = null;
    }
  }
}
