package dev.switchboard.gateway.screen;

import dev.switchboard.config.GatewayLimits;
import io.netty.handler.codec.http.ContentLengthNotAllowedException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.TransferEncodingNotAllowedException;

/**
 * Why the gateway refuses a request before any route sees it: the status to answer with and a line that says what
 * was wrong. It travels as the Netty decoder result of the request, the way Netty reports its own parse failures.
 */
public final class RejectedRequest extends RuntimeException {

  private final int status;

  public RejectedRequest(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /**
   * The refusal for a request whose decoding failed: the screen's own, or one for each of Netty's parse failures.
   * Netty's messages are not passed on: they quote the client's bytes, which belong neither in an answer nor in a log.
   */
  public static RejectedRequest of(Throwable cause, GatewayLimits limits) {
    if (cause instanceof RejectedRequest rejected) {
      return rejected;
    } else if (cause instanceof TooLongHttpLineException) {
      return new RejectedRequest(414, "request line over " + limits.maxInitialLineBytes() + " bytes");
    } else if (cause instanceof TooLongHttpHeaderException) {
      return new RejectedRequest(431, "request headers over " + limits.maxHeaderBytes() + " bytes");
    } else if (cause instanceof ContentLengthNotAllowedException) {
      return new RejectedRequest(400, "both Content-Length and Transfer-Encoding");
    } else if (cause instanceof TransferEncodingNotAllowedException) {
      return new RejectedRequest(400, "Transfer-Encoding is only allowed in HTTP/1.1");
    }
    return new RejectedRequest(400, "malformed request");
  }

  public int status() {
    return status;
  }
}
