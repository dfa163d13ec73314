package dev.switchboard.deploy.fuzz;

import java.util.HexFormat;

/**
 * One input for one listener: the bytes, how they are written, and what a correct server must do with them.
 *
 * @param kind       how the input was made (corpus entry and mutation), for the outcome tables and findings
 * @param data       the bytes sent
 * @param pieces     the data is written in this many writes, cut at random points (1 = one write)
 * @param resetAfter a TCP reset (SO_LINGER 0, close) after this many bytes; -1 = no reset
 * @param readDelayMs the client reads nothing for this long after writing (a slow reader: back-pressure)
 * @param expected   what the server must send back exactly (echo of a well-formed input), or null
 * @param valid      a well-formed input: any failure to answer it correctly is a finding
 * @param rule       what the protocol's specification requires of the answer (e.g. HTTP "400", "414", "4xx"), or null
 */
record FuzzInput(String kind, byte[] data, int pieces, int resetAfter, int readDelayMs, byte[] expected, boolean valid,
                 String rule) {

  static FuzzInput of(String kind, byte[] data) {
    return new FuzzInput(kind, data, 1, -1, 0, null, false, null);
  }

  FuzzInput withKind(String newKind) {
    return new FuzzInput(newKind, data, pieces, resetAfter, readDelayMs, expected, valid, rule);
  }

  FuzzInput withPieces(int n) {
    return new FuzzInput(kind, data, n, resetAfter, readDelayMs, expected, valid, rule);
  }

  FuzzInput withReset(int after) {
    return new FuzzInput(kind, data, pieces, after, readDelayMs, expected, valid, rule);
  }

  FuzzInput withReadDelay(int ms) {
    return new FuzzInput(kind, data, pieces, resetAfter, ms, expected, valid, rule);
  }

  FuzzInput expecting(byte[] reply) {
    return new FuzzInput(kind, data, pieces, resetAfter, readDelayMs, reply, true, rule);
  }

  FuzzInput validInput() {
    return new FuzzInput(kind, data, pieces, resetAfter, readDelayMs, expected, true, rule);
  }

  FuzzInput withRule(String newRule) {
    return new FuzzInput(kind, data, pieces, resetAfter, readDelayMs, expected, valid, newRule);
  }

  /** The first bytes in hex, enough to replay most inputs; the whole input is regenerated from seed and index. */
  String hex(int max) {
    String hex = HexFormat.of().formatHex(data, 0, Math.min(max, data.length));
    return data.length > max ? hex + "... (" + data.length + " bytes)" : hex;
  }

  /** The first bytes as text, with anything not printable ASCII escaped. */
  String preview(int max) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Math.min(max, data.length); i++) {
      int b = data[i] & 0xff;
      text.append(b == '\r' ? "\\r" : b == '\n' ? "\\n" : b >= 0x20 && b < 0x7f && b != '`' ? String.valueOf((char) b)
          : String.format("\\x%02x", b));
    }
    return data.length > max ? text + "..." : text.toString();
  }

  String describe() {
    return kind + ", " + data.length + " bytes" + (pieces > 1 ? " in " + pieces + " writes" : "")
        + (resetAfter >= 0 ? ", reset after " + resetAfter : "") + (readDelayMs > 0 ? ", reads after " + readDelayMs + " ms" : "");
  }
}
