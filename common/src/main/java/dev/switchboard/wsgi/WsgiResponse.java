package dev.switchboard.wsgi;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An application's answer: a status line, ordered headers and either a body or (for a streamed body) the address
 * where the application takes the stream's credit and cancel messages.
 *
 * <pre>{"status": "200 OK", "headers": [["Content-Type", "text/plain"]], "body": "SGVsbG8="}
 * {"status": "200 OK", "headers": [["Content-Type", "text/plain"]], "stream": "wsgi.stream.3f2a..."}</pre>
 *
 * @param stream null for a whole body
 */
public record WsgiResponse(String status, List<Header> headers, Buffer body, String stream) {

  public WsgiResponse {
    headers = List.copyOf(headers);
  }

  /** A whole response. */
  public static WsgiResponse of(String status, List<Header> headers, Buffer body) {
    return new WsgiResponse(status, headers, body, null);
  }

  /** {@code 200 OK} with a text body in UTF-8. */
  public static WsgiResponse text(String text) {
    return of("200 OK", List.of(new Header("Content-Type", "text/plain; charset=utf-8")),
        Buffer.buffer(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** {@code 200 OK} with a JSON body. */
  public static WsgiResponse json(JsonObject json) {
    return of("200 OK", List.of(new Header("Content-Type", "application/json")), json.toBuffer());
  }

  public boolean streamed() {
    return stream != null;
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    headers.forEach(h -> list.add(h.toJson()));
    JsonObject json = new JsonObject().put("status", status).put("headers", list);
    return streamed() ? json.put("stream", stream) : json.put("body", Base64Body.encode(body));
  }
}
