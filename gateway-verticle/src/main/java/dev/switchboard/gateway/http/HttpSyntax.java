package dev.switchboard.gateway.http;

/**
 * The few pieces of HTTP syntax (RFC 9110) the gateway checks on every request or answer, as plain character tests
 * rather than regular expressions, since they run on every request.
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

  /**
   * A Host header value (RFC 9110 §7.2): a name of letters, digits, {@code - . _ ~}, or an IPv6 literal in brackets,
   * then an optional {@code :port}. Stricter than RFC 3986's reg-name, as nginx is: no percent-escapes or
   * sub-delimiters, which no real host name holds and which Vert.x fails to parse.
   */
  public static boolean isHost(String text) {
    int end = text.length();
    int colon = text.lastIndexOf(':');
    if (colon >= 0 && colon > text.lastIndexOf(']')) {
      String port = text.substring(colon + 1);
      if (port.length() > 5 || !port.isEmpty() && (!isLength(port) || Integer.parseInt(port) > 65_535)) {
        return false;
      }
      end = colon;
    }
    if (end == 0) {
      return false;
    }
    return text.charAt(0) == '[' ? isIpLiteral(text.substring(1, end)) : isHostName(text.substring(0, end));
  }

  private static boolean isIpLiteral(String bracketed) {
    if (bracketed.length() < 3 || !bracketed.endsWith("]")) {
      return false;
    }
    for (int i = 0; i < bracketed.length() - 1; i++) {
      char c = bracketed.charAt(i);
      if (!(isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHostName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
