package dev.switchboard.wsgi.credit;

import dev.switchboard.wsgi.StreamChunk;

/**
 * What a message means to the receiving end of a credit stream ({@link CreditReceiver#onMessage}).
 *
 * @param chunk  the chunk to pass on, for {@link Kind#CHUNK}
 * @param reason for {@link Kind#ERROR} the sender's message (null when it gave none), for {@link Kind#VIOLATION} what
 *               broke the protocol
 */
public record Received(Kind kind, StreamChunk chunk, String reason) {

  public enum Kind {
    /** A chunk in sequence, within the credit and the limits: pass it on. */
    CHUNK,
    /** The body is complete. */
    END,
    /** The sender gave up on the body. */
    ERROR,
    /** The sender broke the protocol: the stream is over. */
    VIOLATION,
    /** Nothing to do: the stream is already over. */
    IGNORED
  }

  static final Received END = new Received(Kind.END, null, null);
  static final Received IGNORED = new Received(Kind.IGNORED, null, null);

  static Received chunk(StreamChunk chunk) {
    return new Received(Kind.CHUNK, chunk, null);
  }

  static Received error(String message) {
    return new Received(Kind.ERROR, null, message);
  }

  static Received violation(String reason) {
    return new Received(Kind.VIOLATION, null, reason);
  }
}
