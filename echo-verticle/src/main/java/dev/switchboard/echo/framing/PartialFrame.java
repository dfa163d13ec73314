package dev.switchboard.echo.framing;

import io.vertx.core.buffer.Buffer;

/**
 * The unfinished frame a decoder carries between chunks. A chunk that completes no held frame is not copied: frames
 * are sliced out of it directly, and only its unfinished tail is kept.
 *
 * <p>Room to grow is reserved up to twice what is held, but never past the most an unfinished frame can be: the
 * buffer is grown here rather than by Netty, which rounds up to a power of two, so a nearly complete 64 KiB frame
 * costs about 64 KiB, not 128.
 */
final class PartialFrame {

  private final int most;
  private Buffer held = Buffer.buffer();
  private int capacity;

  /** @param most the longest unfinished frame the decoder keeps (frame limit plus header or delimiter) */
  PartialFrame(int most) {
    this.most = most;
  }

  /** The bytes to scan: the chunk itself when nothing is held, else the held bytes followed by the chunk. */
  Buffer join(Buffer chunk) {
    if (held.length() == 0) {
      return chunk;
    }
    int needed = held.length() + chunk.length();
    if (needed > capacity) {
      Buffer grown = allocate(needed);
      grown.appendBuffer(held);
      held = grown;
    }
    held.appendBuffer(chunk);
    return held;
  }

  /** Keeps {@code data} from {@code from} on as the unfinished frame. */
  void keep(Buffer data, int from) {
    if (data == held && from == 0) {
      return;
    }
    int length = data.length() - from;
    if (length == 0) {
      held = Buffer.buffer();
      capacity = 0;
    } else {
      held = allocate(Math.max(length, 128)).appendBuffer(data, from, length);
    }
  }

  private Buffer allocate(int needed) {
    capacity = Math.max(needed, Math.min(needed * 2, most));
    return Buffer.buffer(capacity);
  }

  int length() {
    return held.length();
  }

  /** The heap the unfinished frame takes: its buffer's whole capacity, 0 when nothing is held. */
  int heldBytes() {
    return held.length() == 0 ? 0 : capacity;
  }

  Buffer take() {
    Buffer taken = held;
    held = Buffer.buffer();
    capacity = 0;
    return taken;
  }
}
