package dev.switchboard.gateway.screen;

/**
 * The request target (RFC 9112 §3.2) as the gateway routes on it: origin-form ({@code /path?query}), absolute-form
 * ({@code http://host/path}) or {@code *} for OPTIONS, with the path normalised as RFC 3986 §6.2.2 says, before any
 * route sees it (as nginx does): percent-encoded unreserved characters decoded ({@code %2e} is a dot, {@code %7E} a
 * tilde) and dot segments removed (§5.2.4). Otherwise {@code /apps/hello/../echo/x} would be routed on its raw text to
 * {@code hello}, and an application would get {@code /../..} in PATH_INFO from {@code %2e%2e}.
 */
public final class RequestTarget {

  /** The target is not one the gateway serves; the message says why, for a 400. */
  public static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private static final String UNRESERVED_SYMBOLS = "-._~";

  private RequestTarget() {
  }

  /**
   * The target with its path normalised, the same string when there was nothing to change.
   *
   * @throws Invalid when it is not origin-form, absolute-form with an http(s) scheme, or {@code *} for OPTIONS; when
   *                 it holds a character outside visible ASCII or a fragment; or when its path climbs above the root
   */
  public static String normalise(String method, String target) throws Invalid {
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '#') {
        throw new Invalid("request target holds a character that is not allowed there");
      }
    }
    if (target.equals("*")) {
      if (!method.equals("OPTIONS")) {
        throw new Invalid("request target * is only for OPTIONS");
      }
      return target;
    }
    int pathStart = pathStart(target);
    int queryStart = target.indexOf('?', pathStart);
    int pathEnd = queryStart < 0 ? target.length() : queryStart;
    String path = target.substring(pathStart, pathEnd);
    if (hasEscapedSeparatorOrNul(path)) {
      // Decoded into PATH_INFO, %2F would be a separator the dot-segment removal never saw (../%2F.. climbs out);
      // refused, as Apache does by default, rather than decoded first, as nginx does.
      throw new Invalid("request path holds an escaped slash, backslash or NUL");
    }
    String normal = removeDotSegments(decodeUnreserved(path));
    return normal.equals(path) ? target : target.substring(0, pathStart) + normal + target.substring(pathEnd);
  }

  /** Where the path begins: 0 for origin-form, after the authority for absolute-form. */
  private static int pathStart(String target) throws Invalid {
    if (target.startsWith("/")) {
      return 0;
    }
    int afterScheme = startsWithIgnoreCase(target, "http://") ? 7 : startsWithIgnoreCase(target, "https://") ? 8 : -1;
    if (afterScheme < 0) {
      throw new Invalid("request target is neither an absolute path nor an http(s) URI");
    }
    int slash = target.indexOf('/', afterScheme);
    int query = target.indexOf('?', afterScheme);
    if (slash < 0 || query >= 0 && query < slash || slash == afterScheme) {
      throw new Invalid("request target is an http(s) URI without a host or a path");
    }
    return slash;
  }

  private static boolean startsWithIgnoreCase(String text, String prefix) {
    return text.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  private static boolean hasEscapedSeparatorOrNul(String path) {
    for (int i = path.indexOf('%'); i >= 0 && i + 2 < path.length(); i = path.indexOf('%', i + 1)) {
      int value = hexByte(path.charAt(i + 1), path.charAt(i + 2));
      if (value == '/' || value == '\\' || value == 0) {
        return true;
      }
    }
    return false;
  }

  /** Decodes {@code %XX} where XX is an unreserved character; every other escape is left as it is. */
  static String decodeUnreserved(String path) {
    if (path.indexOf('%') < 0) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      int value = c == '%' && i + 2 < path.length() ? hexByte(path.charAt(i + 1), path.charAt(i + 2)) : -1;
      if (value >= 0 && isUnreserved((char) value)) {
        out.append((char) value);
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static int hexByte(char high, char low) {
    int h = Character.digit(high, 16);
    int l = Character.digit(low, 16);
    return h < 0 || l < 0 ? -1 : h << 4 | l;
  }

  private static boolean isUnreserved(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || UNRESERVED_SYMBOLS.indexOf(c) >= 0;
  }

  /**
   * RFC 3986 §5.2.4 on an absolute path, segment by segment; where the RFC would quietly drop a {@code ..} at the
   * root, this refuses the path (nginx answers such a path with 400 too).
   */
  static String removeDotSegments(String path) throws Invalid {
    if (!hasDotSegment(path)) {
      return path;
    }
    String[] segments = path.substring(1).split("/", -1);
    String[] kept = new String[segments.length];
    int depth = 0;
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      boolean last = i == segments.length - 1;
      if (segment.equals(".")) {
        if (last) {
          kept[depth++] = "";
        }
      } else if (segment.equals("..")) {
        if (depth == 0) {
          throw new Invalid("request path climbs above the root");
        }
        depth--;
        if (last) {
          kept[depth++] = "";
        }
      } else {
        kept[depth++] = segment;
      }
    }
    StringBuilder out = new StringBuilder(path.length());
    for (int i = 0; i < depth; i++) {
      out.append('/').append(kept[i]);
    }
    return out.length() == 0 ? "/" : out.toString();
  }

  private static boolean hasDotSegment(String path) {
    for (int i = path.indexOf("/."); i >= 0; i = path.indexOf("/.", i + 1)) {
      int end = i + 2;
      if (end < path.length() && path.charAt(end) == '.') {
        end++;
      }
      if (end == path.length() || path.charAt(end) == '/') {
        return true;
      }
    }
    return false;
  }
}
