package dev.switchboard.gateway.http;

/**
 * The few pieces of HTTP syntax (RFC 9110) the gateway checks on every request or answer, as plain character tests:
 * the regular expressions they replace were a few percent of the gateway's CPU.
 */
public final class HttpSyntax {

  private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

  private HttpSyntax() {
  }

  /** A header name: one or more token characters. */
  public static boolean isToken(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || TOKEN_SYMBOLS.indexOf(c) >= 0)) {
        return false;
      }
    }
    return true;
  }

  /** A header value: tab, visible ASCII, space, or obs-text (0x80-0xFF); no control characters. */
  public static boolean isFieldValue(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c == '\t' || c >= 0x20 && c <= 0x7e || c >= 0x80 && c <= 0xff)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A final status line as an application gives it: {@code NNN reason}, NNN from 200 to 599, the reason in tab and
   * visible ASCII.
   */
  public static boolean isFinalStatus(String line) {
    if (line.length() < 4 || line.charAt(0) < '2' || line.charAt(0) > '5' || !isDigit(line.charAt(1))
        || !isDigit(line.charAt(2)) || line.charAt(3) != ' ') {
      return false;
    }
    for (int i = 4; i < line.length(); i++) {
      char c = line.charAt(i);
      if (!(c == '\t' || c >= 0x20 && c <= 0x7e)) {
        return false;
      }
    }
    return true;
  }

  /** A length: 1 to 18 decimal digits, so that it always fits a long. */
  public static boolean isLength(String text) {
    if (text.isEmpty() || text.length() > 18) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (!isDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
