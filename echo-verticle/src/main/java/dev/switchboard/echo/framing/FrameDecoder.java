package dev.switchboard.echo.framing;

import dev.switchboard.config.Framing;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into frames, whatever its segmentation. Frames are handed on whole, as they were on the wire
 * (with their delimiter or length header), so that an echo writes exactly what came in. A decoder holds at most one
 * unfinished frame, never more than the frame limit plus its header or delimiter.
 *
 * <p>Not thread-safe: one decoder per connection, used from its event loop.
 */
public interface FrameDecoder {

  /**
   * Consumes the next chunk of the stream; hands every frame it completes to {@code frames}, in order.
   *
   * @throws FramingException when the stream breaks the framing; the decoder is then unusable
   */
  void decode(Buffer chunk, Consumer<Buffer> frames);

  /** True while part of a frame has arrived and the rest has not. */
  boolean inFrame();

  /** The heap the unfinished frame takes (its buffer, room to grow included): what a memory budget counts. */
  int heldBytes();

  /** The bytes of the unfinished frame, emptied from the decoder: what an echo returns at end of stream. */
  Buffer takeRemainder();

  /** The decoder for a framing; the limit bounds a frame's payload in bytes. */
  static FrameDecoder create(Framing framing, Buffer delimiter, int fixedBytes, int maxFrameBytes) {
    return switch (framing) {
      case RAW -> new RawDecoder();
      case LINE -> new DelimiterDecoder(delimiter, maxFrameBytes);
      case LENGTH -> SizedFrameDecoder.binaryLength(maxFrameBytes);
      case LENGTH_ASCII -> SizedFrameDecoder.asciiLength(maxFrameBytes);
      case FIXED -> SizedFrameDecoder.fixed(fixedBytes);
    };
  }
}
