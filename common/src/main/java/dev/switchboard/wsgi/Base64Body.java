package dev.switchboard.wsgi;

import io.vertx.core.buffer.Buffer;
import java.util.Base64;

/**
 * Bodies travel as base64 text inside JSON, because the TCP event-bus bridge carries only JSON and every language
 * decodes base64 (see {@code docs/wsgi-over-bus.md} for the trade-off).
 */
public final class Base64Body {

  private Base64Body() {
  }

  public static String encode(Buffer body) {
    return Base64.getEncoder().encodeToString(body.getBytes());
  }

  /** @throws IllegalArgumentException when the text is not base64 */
  public static Buffer decode(String text) {
    return Buffer.buffer(Base64.getDecoder().decode(text));
  }
}
