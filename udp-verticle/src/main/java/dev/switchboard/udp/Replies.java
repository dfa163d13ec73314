package dev.switchboard.udp;

import dev.switchboard.config.UdpConfig.ReplyMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The reply modes, on Netty buffers. Every answer is a new buffer of its own size: the received buffer is as large as
 * the largest datagram, and an answer that kept it alive while the socket cannot send would pin 64 KB per reply.
 * Answers are direct ({@code ioBuffer}): the epoll transport hands them to {@code sendmmsg} as they are, where a heap
 * buffer would first be copied into a direct one.
 */
final class Replies {

  private static final byte[] HELLO = "Hello, ".getBytes(StandardCharsets.US_ASCII);

  private Replies() {
  }

  /**
   * The answer to {@code data}, or null when the mode answers nothing. Bytes are bytes: nothing assumes UTF-8.
   *
   * @return a buffer the caller owns (released when sent); {@code data} itself is left as it was
   */
  static ByteBuf to(ReplyMode mode, ByteBuf data, ByteBufAllocator alloc) {
    return switch (mode) {
      case ECHO -> alloc.ioBuffer(data.readableBytes()).writeBytes(data, data.readerIndex(), data.readableBytes());
      case HELLO -> alloc.ioBuffer(HELLO.length + data.readableBytes()).writeBytes(HELLO).writeBytes(data, data.readerIndex(),
          data.readableBytes());
      case UPPER -> upper(data, alloc);
      case NONE -> null;
    };
  }

  private static ByteBuf upper(ByteBuf data, ByteBufAllocator alloc) {
    ByteBuf answer = alloc.ioBuffer(data.readableBytes());
    for (int i = data.readerIndex(); i < data.writerIndex(); i++) {
      byte b = data.getByte(i);
      answer.writeByte(b >= 'a' && b <= 'z' ? b - ('a' - 'A') : b);
    }
    return answer;
  }
}
