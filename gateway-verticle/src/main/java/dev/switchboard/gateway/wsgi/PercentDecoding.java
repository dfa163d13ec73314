package dev.switchboard.gateway.wsgi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decodes a path the way PEP 3333 wants PATH_INFO: the decoded bytes, one character per byte (latin-1), so
 * that any byte sequence survives and a Python application sees exactly what a WSGI server would give it.
 */
final class PercentDecoding {

  /** The path is not validly percent-encoded. */
  static final class Malformed extends RuntimeException {
    Malformed(String path) {
      super("malformed percent-encoding in path " + path, null, false, false);
    }
  }

  private PercentDecoding() {
  }

  static String decodePath(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        bytes.write(c);
        continue;
      }
      if (i + 2 >= raw.length()) {
        throw new Malformed(raw);
      }
      int high = Character.digit(raw.charAt(i + 1), 16);
      int low = Character.digit(raw.charAt(i + 2), 16);
      if (high < 0 || low < 0) {
        throw new Malformed(raw);
      }
      bytes.write(high * 16 + low);
      i += 2;
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }
}
