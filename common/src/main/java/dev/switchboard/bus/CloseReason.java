package dev.switchboard.bus;

import java.util.Locale;

/** Why a connection ended, as carried in close events and counters. */
public enum CloseReason {
  /** The client finished sending (FIN); everything pending was sent back first. */
  EOF,
  /** No traffic either way for {@code idleTimeout}. */
  IDLE_TIMEOUT,
  /** A frame was begun and not finished within {@code frameTimeout}. */
  FRAME_TIMEOUT,
  /** A frame, or a declared frame length, over {@code maxFrameBytes}. */
  FRAME_TOO_LONG,
  /** A length header that is not a length. */
  BAD_FRAME,
  /** The connection needed more buffer space than was left of the service's {@code maxBufferedBytes}. */
  BUFFER_BUDGET,
  /** Refused at accept: {@code maxConnections} were open. */
  LIMIT,
  /** The client reset or dropped the connection. */
  RESET,
  /** The server is stopping. */
  SHUTDOWN,
  /** Any other I/O or TLS failure. */
  ERROR;

  /** {@code idle-timeout}, {@code frame-too-long}, ... */
  public String wireName() {
    return WireName.of(this);
  }

  public static CloseReason fromWireName(String wireName) {
    return valueOf(wireName.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
