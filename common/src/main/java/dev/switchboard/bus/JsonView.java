package dev.switchboard.bus;

import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * A message body delivered within this JVM by a {@link JsonViewCodec}: the sender's Java object itself, which a
 * consumer takes with {@link #unwrap} at no cost, and which reads as the object's documented JSON for anyone who
 * treats the body as a {@link JsonObject} (the TCP bridge, a consumer written against the JSON contract). That JSON
 * is made on the first such read only.
 */
public final class JsonView<T> extends JsonObject {

  private final T value;

  JsonView(T value, Function<? super T, JsonObject> toJson) {
    super(new LazyJsonMap(() -> toJson.apply(value).getMap()));
    this.value = value;
  }

  /** The object behind {@code body} when it is a view of a {@code type}, else null (it came as JSON). */
  public static <T> T unwrap(Object body, Class<T> type) {
    return body instanceof JsonView<?> view && type.isInstance(view.value) ? type.cast(view.value) : null;
  }
}
