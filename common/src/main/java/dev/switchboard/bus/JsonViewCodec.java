package dev.switchboard.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Carries a contract's Java object on the bus without making its JSON when sender and consumer share the JVM: the
 * consumer gets a {@link JsonView} of the very object. Between cluster nodes the object travels as its documented JSON
 * (as Vert.x's own JsonObject codec frames it), and the receiving node reads it as a plain {@link JsonObject}, so a
 * consumer handles both with {@code JsonView.unwrap(body, T.class)}, falling back to the JSON.
 *
 * <p>Every node that may receive such a message must have the codec registered under the same name (the message
 * names its codec on the wire); one that has not answers the sender with a failure instead of a message.
 */
public final class JsonViewCodec<T> implements MessageCodec<T, JsonObject> {

  private final String name;
  private final Function<? super T, JsonObject> toJson;

  public JsonViewCodec(String name, Function<? super T, JsonObject> toJson) {
    this.name = name;
    this.toJson = toJson;
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    Buffer json = toJson.apply(value).toBuffer();
    buffer.appendInt(json.length());
    buffer.appendBuffer(json);
  }

  @Override
  public JsonObject decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return new JsonObject(buffer.slice(pos + 4, pos + 4 + length));
  }

  @Override
  public JsonObject transform(T value) {
    return new JsonView<>(value, toJson);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
