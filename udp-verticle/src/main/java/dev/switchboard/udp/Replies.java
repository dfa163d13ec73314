package dev.switchboard.udp;

import dev.switchboard.config.UdpConfig.ReplyMode;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** The answer to a datagram in each reply mode: plain byte work, no sockets. */
final class Replies {

  private static final byte[] HELLO = "Hello, ".getBytes(StandardCharsets.US_ASCII);

  private Replies() {
  }

  /** The answer to {@code data}, or null when the mode answers nothing. Bytes are bytes: nothing assumes UTF-8. */
  static Buffer to(ReplyMode mode, Buffer data) {
    return switch (mode) {
      case ECHO -> data;
      case HELLO -> Buffer.buffer(HELLO.length + data.length()).appendBytes(HELLO).appendBuffer(data);
      case UPPER -> upper(data);
      case NONE -> null;
    };
  }

  private static Buffer upper(Buffer data) {
    byte[] bytes = data.getBytes();
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] >= 'a' && bytes[i] <= 'z') {
        bytes[i] -= 'a' - 'A';
      }
    }
    return Buffer.buffer(bytes);
  }
}
