package dev.switchboard.wsgi;

import dev.switchboard.bus.JsonView;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The {@code data} message of a streamed body ({@link StreamMessage}): one chunk and its place in the stream. It
 * crosses the bus as this object within one JVM and as {@code {"type": "data", "seq": N, "data": base64}} otherwise
 * ({@link WsgiCodecs}).
 *
 * @param seq 0 for the first chunk, then 1, 2, ...: the receiver checks that none is lost
 */
public record StreamChunk(long seq, Buffer data) {

  public JsonObject toJson() {
    return new JsonObject().put("type", StreamMessage.DATA).put("seq", seq).put("data", Base64Body.encode(data));
  }

  /**
   * The chunk in a {@code data} message: the object itself when it came from this JVM, else read from its JSON (a
   * {@code seq} that is missing or not a JSON integer reads as -1, which no stream expects; a missing {@code data} is
   * an empty chunk).
   *
   * @throws IllegalArgumentException when the data is not a base64 string
   */
  public static StreamChunk from(JsonObject message) {
    StreamChunk local = JsonView.unwrap(message, StreamChunk.class);
    if (local != null) {
      return local;
    }
    Object seq = message.getValue("seq");
    Object data = message.getValue("data");
    if (data != null && !(data instanceof String)) {
      throw new IllegalArgumentException("data is not a string");
    }
    return new StreamChunk(seq instanceof Integer || seq instanceof Long ? ((Number) seq).longValue() : -1,
        Base64Body.decode(data == null ? "" : (String) data));
  }
}
