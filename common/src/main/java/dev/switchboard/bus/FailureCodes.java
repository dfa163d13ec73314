package dev.switchboard.bus;

/**
 * Failure codes that Switchboard's request-reply consumers fail a message with ({@code message.fail(code, text)}).
 * They follow the HTTP status a client would expect for the same fault, so they read the same in every language.
 */
public final class FailureCodes {

  /** The request is malformed: a field missing, of the wrong type or out of range. */
  public static final int BAD_REQUEST = 400;
  /** The request is well formed but not allowed, e.g. a destination outside the allow-list. */
  public static final int FORBIDDEN = 403;
  /** The request carries more data than allowed. */
  public static final int TOO_LARGE = 413;
  /** Too many requests are in progress; try again later. */
  public static final int BUSY = 429;
  /** The service tried and failed, e.g. the network refused the send. */
  public static final int FAILED = 500;
  /**
   * The consumer was a bridge client whose connection closed before it answered: the bridge fails what the client
   * left unanswered with this code at once (the gateway answers 502). Bridge clients should not use it themselves.
   */
  public static final int DISCONNECTED = 502;

  private FailureCodes() {
  }
}
