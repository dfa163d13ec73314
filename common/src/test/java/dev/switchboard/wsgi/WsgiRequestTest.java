package dev.switchboard.wsgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WsgiRequestTest {

  @Test
  @DisplayName("a request survives the message both ways: environ in order, body byte for byte")
  void roundTrip() {
    Map<String, String> environ = new LinkedHashMap<>();
    environ.put("REQUEST_METHOD", "POST");
    environ.put("PATH_INFO", "/caf\u00c3\u00a9");
    environ.put("HTTP_X_A", "1");
    WsgiRequest request = new WsgiRequest(environ, Buffer.buffer(new byte[] {0, (byte) 0xFF, 'x'}));

    WsgiRequest back = WsgiRequest.fromJson(new JsonObject(request.toJson().encode()));

    assertThat(back.environ()).containsExactlyEntriesOf(environ);
    assertThat(back.body().getBytes()).containsExactly(0, 0xFF, 'x');
    assertThat(back.path()).isEqualTo("/café");
    assertThat(back.bodyStream()).isNull();
  }

  @Test
  @DisplayName("environ values that are not strings (from a bus client) are read as their JSON text")
  void nonStringValues() {
    JsonObject message = new JsonObject("{\"environ\":{\"a\":[1,0],\"b\":{\"c\":1},\"n\":5,\"t\":true,\"z\":null}}");

    assertThat(WsgiRequest.fromJson(message).environ())
        .containsExactly(Map.entry("a", "[1,0]"), Map.entry("b", "{\"c\":1}"), Map.entry("n", "5"),
            Map.entry("t", "true"), Map.entry("z", "null"));
    assertThatThrownBy(() -> WsgiRequest.fromJson(new JsonObject())).isInstanceOf(IllegalArgumentException.class);
  }
}
