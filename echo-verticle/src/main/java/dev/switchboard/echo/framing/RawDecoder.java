package dev.switchboard.echo.framing;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/** No framing: every chunk is handed on as it came. */
final class RawDecoder implements FrameDecoder {

  @Override
  public void decode(Buffer chunk, Consumer<Buffer> frames) {
    if (chunk.length() > 0) {
      frames.accept(chunk);
    }
  }

  @Override
  public boolean inFrame() {
    return false;
  }

  @Override
  public int heldBytes() {
    return 0;
  }

  @Override
  public Buffer takeRemainder() {
    return Buffer.buffer();
  }
}
