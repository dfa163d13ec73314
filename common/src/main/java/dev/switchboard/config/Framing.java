package dev.switchboard.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** How a byte stream is cut into messages. */
public enum Framing {
  /** No messages: the stream itself is echoed, byte for byte. */
  RAW("raw"),
  /** Frames end with a delimiter ({@code \n} by default), which belongs to the frame. */
  LINE("line"),
  /** A 4-byte big-endian unsigned length, then that many bytes. */
  LENGTH("length"),
  /** A 5-digit ASCII decimal length ({@code 00012}), then that many bytes: the classic socket HOWTO's framing. */
  LENGTH_ASCII("length-ascii"),
  /** Every message is exactly N bytes. */
  FIXED("fixed");

  private final String wireName;

  Framing(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Map<String, Framing> byWireName() {
    Map<String, Framing> names = new LinkedHashMap<>();
    Arrays.stream(values()).forEach(f -> names.put(f.wireName, f));
    return names;
  }
}
