package dev.switchboard.config;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Turns text with C-style escapes ({@code \n \r \t \0 \\ \xHH}) into bytes, so that a delimiter such as CR LF can be
 * written the same way in YAML, JSON and an environment variable. Other characters become their UTF-8 bytes.
 */
final class EscapedText {

  private EscapedText() {
  }

  static Buffer toBytes(String text) {
    Buffer out = Buffer.buffer(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\' || i + 1 == text.length()) {
        out.appendString(String.valueOf(c), StandardCharsets.UTF_8.name());
        continue;
      }
      char next = text.charAt(++i);
      switch (next) {
        case 'n' -> out.appendByte((byte) '\n');
        case 'r' -> out.appendByte((byte) '\r');
        case 't' -> out.appendByte((byte) '\t');
        case '0' -> out.appendByte((byte) 0);
        case '\\' -> out.appendByte((byte) '\\');
        case 'x' -> {
          if (isHex(text, i + 1) && isHex(text, i + 2)) {
            out.appendByte((byte) Integer.parseInt(text.substring(i + 1, i + 3), 16));
            i += 2;
          } else {
            out.appendString("\\x");
          }
        }
        default -> out.appendString("\\" + next);
      }
    }
    return out;
  }

  private static boolean isHex(String text, int index) {
    return index < text.length() && Character.digit(text.charAt(index), 16) >= 0;
  }
}
