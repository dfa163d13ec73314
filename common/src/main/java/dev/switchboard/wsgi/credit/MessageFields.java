package dev.switchboard.wsgi.credit;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * Reads the fields of control messages strictly (as {@link dev.switchboard.wsgi.StreamMessage#type} and
 * {@link dev.switchboard.wsgi.StreamChunk#from} read theirs): a field of the wrong JSON type reads as absent, so that a
 * hostile or broken peer gets the same answer here as from the Python client ({@code switchboard/credit.py}), never an
 * exception.
 */
final class MessageFields {

  private MessageFields() {
  }

  static String string(JsonObject message, String key) {
    return message.getValue(key) instanceof String text ? text : null;
  }

  /** A JSON integer that fits a long, else {@code otherwise}. */
  static long integer(JsonObject message, String key, long otherwise) {
    Object value = message.getValue(key);
    return value instanceof Integer || value instanceof Long ? ((Number) value).longValue() : otherwise;
  }

  /** A credit: a positive JSON integer, capped at {@link Integer#MAX_VALUE}; 0 when there is none. */
  static int credit(JsonObject message) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, integer(message, "credit", 0)));
  }

  /** How a field's value is named in a reason: a string as it is, anything else as JSON ({@code null} when absent). */
  static String render(Object value) {
    return value instanceof String text ? text : Json.encode(value);
  }
}
