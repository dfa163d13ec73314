package dev.switchboard.echo.framing;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Frames whose size is known from a header ({@code length}, {@code length-ascii}) or fixed ({@code fixed}): a header of
 * {@code headerBytes}, then the payload. A declared length over the limit is refused as soon as the header is complete,
 * before any of the payload is held.
 */
final class SizedFrameDecoder extends HeldFrameDecoder {

  /** Reads the payload length from a complete header at {@code offset}. */
  private interface LengthHeader {
    long payloadLength(Buffer data, int offset);
  }

  static final int ASCII_DIGITS = 5;

  private final int headerBytes;
  private final LengthHeader header;
  private final int maxFrameBytes;

  private SizedFrameDecoder(int headerBytes, LengthHeader header, int maxFrameBytes) {
    super(headerBytes + maxFrameBytes);
    this.headerBytes = headerBytes;
    this.header = header;
    this.maxFrameBytes = maxFrameBytes;
  }

  /** A 4-byte big-endian unsigned length. */
  static SizedFrameDecoder binaryLength(int maxFrameBytes) {
    return new SizedFrameDecoder(4, Buffer::getUnsignedInt, maxFrameBytes);
  }

  /** A 5-digit ASCII decimal length, e.g. {@code 00042}. */
  static SizedFrameDecoder asciiLength(int maxFrameBytes) {
    return new SizedFrameDecoder(ASCII_DIGITS, SizedFrameDecoder::asciiDigits, maxFrameBytes);
  }

  /** Frames of exactly {@code size} bytes, no header. */
  static SizedFrameDecoder fixed(int size) {
    if (size <= 0) {
      throw new IllegalArgumentException("fixed frame size must be positive: " + size);
    }
    return new SizedFrameDecoder(0, (data, offset) -> size, size);
  }

  private static long asciiDigits(Buffer data, int offset) {
    long value = 0;
    for (int i = 0; i < ASCII_DIGITS; i++) {
      byte b = data.getByte(offset + i);
      if (b < '0' || b > '9') {
        throw new FramingException(FramingException.Kind.BAD_HEADER,
            "bad length header (expected " + ASCII_DIGITS + " ASCII digits)");
      }
      value = value * 10 + (b - '0');
    }
    return value;
  }

  @Override
  public void decode(Buffer chunk, Consumer<Buffer> frames) {
    Buffer data = partial.join(chunk);
    int start = 0;
    while (data.length() - start >= headerBytes) {
      long payload = header.payloadLength(data, start);
      if (payload > maxFrameBytes) {
        throw FramingException.tooLong(maxFrameBytes);
      }
      int frameEnd = start + headerBytes + (int) payload;
      if (frameEnd > data.length()) {
        break;
      }
      frames.accept(data.slice(start, frameEnd));
      start = frameEnd;
    }
    partial.keep(data, start);
  }
}
