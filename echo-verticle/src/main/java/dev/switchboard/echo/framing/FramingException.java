package dev.switchboard.echo.framing;

/** The peer broke the framing rules. The message is what the peer is told, after {@code ERR }. */
public final class FramingException extends RuntimeException {

  /** What was wrong, as a short word for events and counters. */
  public enum Kind {
    /** A frame, or a declared frame length, over the limit. */
    TOO_LONG,
    /** A length header that is not a length. */
    BAD_HEADER
  }

  private final Kind kind;

  public FramingException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  static FramingException tooLong(int limit) {
    return new FramingException(Kind.TOO_LONG, "frame too long (limit " + limit + ")");
  }
}
