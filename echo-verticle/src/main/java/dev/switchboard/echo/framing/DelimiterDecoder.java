package dev.switchboard.echo.framing;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/** Frames that end with a delimiter (one or more bytes, e.g. {@code \n} or {@code \r\n}); the delimiter stays on the frame. */
final class DelimiterDecoder extends HeldFrameDecoder {

  private final byte[] delimiter;
  private final int maxFrameBytes;
  /** Where the next search for a delimiter starts within the held bytes: what was searched need not be again. */
  private int searched;

  DelimiterDecoder(Buffer delimiter, int maxFrameBytes) {
    super(maxFrameBytes + delimiter.length() - 1);
    if (delimiter.length() == 0) {
      throw new IllegalArgumentException("empty delimiter");
    }
    this.delimiter = delimiter.getBytes();
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public void decode(Buffer chunk, Consumer<Buffer> frames) {
    Buffer data = partial.join(chunk);
    int start = 0;
    int from = searched;
    int end;
    while ((end = indexOf(data, from)) >= 0) {
      if (end - start > maxFrameBytes) {
        throw FramingException.tooLong(maxFrameBytes);
      }
      int next = end + delimiter.length;
      frames.accept(data.slice(start, next));
      start = next;
      from = next;
    }
    // No delimiter can finish the frame within the limit any more: refuse before holding more.
    if (data.length() - start > maxFrameBytes + delimiter.length - 1) {
      throw FramingException.tooLong(maxFrameBytes);
    }
    partial.keep(data, start);
    // A delimiter may straddle chunks: search again from the last (length - 1) bytes.
    searched = Math.max(0, partial.length() - (delimiter.length - 1));
  }

  private int indexOf(Buffer data, int from) {
    int last = data.length() - delimiter.length;
    byte first = delimiter[0];
    for (int i = from; i <= last; i++) {
      if (data.getByte(i) == first && matchesAt(data, i)) {
        return i;
      }
    }
    return -1;
  }

  private boolean matchesAt(Buffer data, int at) {
    for (int j = 1; j < delimiter.length; j++) {
      if (data.getByte(at + j) != delimiter[j]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Buffer takeRemainder() {
    searched = 0;
    return super.takeRemainder();
  }
}
