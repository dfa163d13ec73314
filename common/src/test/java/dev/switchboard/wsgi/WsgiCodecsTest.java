package dev.switchboard.wsgi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bus.JsonView;
import dev.switchboard.bus.JsonViewCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class WsgiCodecsTest {

  private WsgiRequest request;

  @BeforeEach
  void request() {
    Map<String, String> environ = new LinkedHashMap<>();
    environ.put("REQUEST_METHOD", "POST");
    environ.put("PATH_INFO", "/a");
    request = new WsgiRequest(environ, Buffer.buffer(new byte[] {0, (byte) 0xFF, 'x'}));
  }

  @Test
  @DisplayName("in one JVM the consumer gets the sender's request object itself, and the application's answer comes back as the object")
  void localObjects(Vertx vertx, VertxTestContext test) {
    WsgiResponse answer = WsgiResponse.text("hi");
    WsgiApplications.serve(vertx, "codec", got -> {
      test.verify(() -> assertThat(got).isSameAs(request));
      return Future.succeededFuture(answer);
    }).completion()
        .compose(v -> vertx.eventBus().request(WsgiBus.appAddress("codec"), request))
        .onComplete(test.succeeding(reply -> test.verify(() -> {
          assertThat(JsonView.unwrap(reply.body(), WsgiResponse.class)).isSameAs(answer);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a consumer written against the JSON contract (the bridge) reads the documented JSON, and can change it like any JsonObject")
  void readAsJson(Vertx vertx, VertxTestContext test) {
    WsgiCodecs.registerOn(vertx.eventBus());
    vertx.eventBus().<JsonObject>consumer("raw", message -> test.verify(() -> {
      JsonObject body = message.body();
      assertThat(new JsonObject(body.encode())).isEqualTo(request.toJson());
      assertThat(body.getJsonObject("environ").getString("PATH_INFO")).isEqualTo("/a");
      body.put("extra", 1).remove("body");
      assertThat(body.fieldNames()).containsExactly("environ", "extra");
      assertThat(body.copy().getInteger("extra")).isEqualTo(1);
      assertThat(WsgiRequest.from(new JsonObject(body.encode()).put("body", "AP94")).body().getBytes())
          .containsExactly(0, 0xFF, 'x');
      test.completeNow();
    })).completion().onComplete(test.succeeding(v -> vertx.eventBus().send("raw", request)));
  }

  @Test
  @DisplayName("between nodes each object travels as its documented JSON and arrives as a plain JsonObject")
  void wire() {
    JsonViewCodec<WsgiResponse> codec = new JsonViewCodec<>(WsgiCodecs.RESPONSE, WsgiResponse::toJson);
    WsgiResponse answer = WsgiResponse.of("201 Created", List.of(new Header("X-A", "1")), Buffer.buffer("body"));
    Buffer wire = Buffer.buffer("prefix");
    codec.encodeToWire(wire, answer);

    JsonObject received = codec.decodeFromWire(6, wire);

    assertThat(received.getClass()).isEqualTo(JsonObject.class);
    assertThat(received).isEqualTo(answer.toJson());
    assertThat(JsonView.unwrap(received, WsgiResponse.class)).isNull();
  }

  @Test
  @DisplayName("a stream chunk from this JVM is the sender's object, typed as data without its JSON; from JSON it is read the same")
  void chunks(Vertx vertx, VertxTestContext test) {
    WsgiCodecs.registerOn(vertx.eventBus());
    StreamChunk sent = StreamMessage.data(3, Buffer.buffer("abc"));
    vertx.eventBus().<JsonObject>consumer("chunks", message -> test.verify(() -> {
      assertThat(StreamMessage.type(message.body())).isEqualTo(StreamMessage.DATA);
      assertThat(StreamChunk.from(message.body())).isSameAs(sent);
      StreamChunk fromJson = StreamChunk.from(new JsonObject(message.body().encode()));
      assertThat(fromJson.seq()).isEqualTo(3);
      assertThat(fromJson.data().toString()).isEqualTo("abc");
      assertThat(StreamMessage.type(StreamMessage.end())).isEqualTo(StreamMessage.END);
      test.completeNow();
    })).completion().onComplete(test.succeeding(v -> vertx.eventBus().send("chunks", sent)));
  }

  @Test
  @DisplayName("registering twice on one bus is harmless: every sender and server registers them")
  void idempotent(Vertx vertx) {
    WsgiCodecs.registerOn(vertx.eventBus());
    WsgiCodecs.registerOn(vertx.eventBus());
    WsgiApplications.serve(vertx, "twice", got -> Future.succeededFuture(WsgiResponse.text("")));
  }
}
