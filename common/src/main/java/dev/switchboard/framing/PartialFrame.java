package dev.switchboard.framing;

import io.vertx.core.buffer.Buffer;

/**
 * The unfinished frame a decoder carries between chunks. A chunk that completes no held frame is not copied: frames
 * are sliced out of it directly, and only its unfinished tail is kept.
 */
final class PartialFrame {

  private Buffer held = Buffer.buffer();

  /** The bytes to scan: the chunk itself when nothing is held, else the held bytes followed by the chunk. */
  Buffer join(Buffer chunk) {
    if (held.length() == 0) {
      return chunk;
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
    held = length == 0 ? Buffer.buffer() : Buffer.buffer(Math.max(length * 2, 256)).appendBuffer(data, from, length);
  }

  int length() {
    return held.length();
  }

  Buffer take() {
    Buffer taken = held;
    held = Buffer.buffer();
    return taken;
  }
}
