package dev.switchboard.wsgi;

import dev.switchboard.bus.JsonView;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Messages of a streamed response body. The gateway sends {@code start} (its chunk address and the first credit),
 * {@code credit} and {@code cancel} to the application's stream address; the application sends {@code data},
 * {@code end} and {@code error} to the gateway's chunk address. One credit allows one {@code data} message.
 */
public final class StreamMessage {

  public static final String START = "start";
  public static final String CREDIT = "credit";
  public static final String CANCEL = "cancel";
  public static final String DATA = "data";
  public static final String END = "end";
  public static final String ERROR = "error";

  private StreamMessage() {
  }

  /** @param maxChunkBytes the largest chunk the gateway accepts (decoded) */
  public static JsonObject start(String chunkAddress, int credit, int maxChunkBytes) {
    return new JsonObject().put("type", START).put("address", chunkAddress).put("credit", credit)
        .put("maxChunkBytes", maxChunkBytes);
  }

  public static JsonObject credit(int credit) {
    return new JsonObject().put("type", CREDIT).put("credit", credit);
  }

  public static JsonObject cancel(String reason) {
    return new JsonObject().put("type", CANCEL).put("reason", reason);
  }

  /** @param seq 0 for the first chunk, then 1, 2, ...: the receiver checks that none is lost */
  public static StreamChunk data(long seq, Buffer chunk) {
    return new StreamChunk(seq, chunk);
  }

  /**
   * A message's type, empty when it has none that is a string; a chunk from this JVM says {@link #DATA} without its
   * JSON being made.
   */
  public static String type(JsonObject message) {
    if (JsonView.unwrap(message, StreamChunk.class) != null) {
      return DATA;
    }
    return message.getValue("type") instanceof String type ? type : "";
  }

  public static JsonObject end() {
    return new JsonObject().put("type", END);
  }

  public static JsonObject error(String message) {
    return new JsonObject().put("type", ERROR).put("message", message);
  }
}
