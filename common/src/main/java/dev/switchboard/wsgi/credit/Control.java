package dev.switchboard.wsgi.credit;

/**
 * What a control message means to the sending end of a credit stream ({@link CreditSender#onControl}).
 *
 * @param credit for {@link Kind#GRANTED}, how many more chunks may go (0 when the message only named the destination)
 * @param reason for {@link Kind#CANCELLED}, the receiver's reason
 */
public record Control(Kind kind, int credit, String reason) {

  public enum Kind {
    /** Credit, or the destination, arrived: send what waits. */
    GRANTED,
    /** The receiver wants no more: stop. */
    CANCELLED,
    /** Nothing changed: a duplicate, malformed or unknown message, or the stream is over. */
    IGNORED
  }

  static final Control IGNORED = new Control(Kind.IGNORED, 0, null);

  static Control granted(int credit) {
    return new Control(Kind.GRANTED, credit, null);
  }

  static Control cancelled(String reason) {
    return new Control(Kind.CANCELLED, 0, reason);
  }
}
