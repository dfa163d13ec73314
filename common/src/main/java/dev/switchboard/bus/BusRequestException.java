package dev.switchboard.bus;

/** A bus request that cannot be served; the consumer fails the message with this code and message. */
public final class BusRequestException extends RuntimeException {

  private final int code;

  public BusRequestException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** One of {@link FailureCodes}. */
  public int code() {
    return code;
  }
}
