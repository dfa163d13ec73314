package dev.switchboard.echo.framing;

import io.vertx.core.buffer.Buffer;

/** A framed decoder: what it holds between chunks is one {@link PartialFrame}, bounded by the most a frame can be. */
abstract class HeldFrameDecoder implements FrameDecoder {

  protected final PartialFrame partial;

  /** @param most the largest unfinished frame, header or delimiter included */
  HeldFrameDecoder(int most) {
    this.partial = new PartialFrame(most);
  }

  @Override
  public boolean inFrame() {
    return partial.length() > 0;
  }

  @Override
  public int heldBytes() {
    return partial.heldBytes();
  }

  @Override
  public Buffer takeRemainder() {
    return partial.take();
  }
}
