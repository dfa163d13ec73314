package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bridge.BridgeMeters.Refusal;
import dev.switchboard.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The bridge's own rules, with raw frames on a real socket. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeTest {

  private static int start(Vertx vertx, String... keyValues) throws Exception {
    return RunningBridge.start(vertx, keyValues).port();
  }

  @Test
  @DisplayName("send and publish are each allowed only on their own list; a refusal is an error frame")
  void allowLists(Vertx vertx) throws Exception {
    int port = start(vertx, "allow.publish", "news.*");
    vertx.eventBus().consumer("echo.request", m -> m.reply(m.body())).completion().await(5, TimeUnit.SECONDS);
    try (BridgeClient client = BridgeClient.connect(port)) {
      client.send(new JsonObject().put("type", "send").put("address", "echo.request").put("replyAddress", "r1")
          .put("body", new JsonObject().put("a", 1)));
      assertThat(client.receive().getJsonObject("body")).isEqualTo(new JsonObject().put("a", 1));
      client.send(new JsonObject().put("type", "publish").put("address", "echo.request").put("body", "x"));
      assertThat(client.receive().getString("type")).isEqualTo("err");
      client.send(new JsonObject().put("type", "send").put("address", "news.today").put("body", "x"));
      assertThat(client.receive().getString("type")).isEqualTo("err");
      client.send(new JsonObject().put("type", "register").put("address", "admin.commands"));
      assertThat(client.receive().getString("type")).isEqualTo("err");
    }
  }

  @Test
  @DisplayName("with a token configured, every frame needs it in headers.token; it is not passed on with the message")
  void tokenOnEveryFrame(Vertx vertx) throws Exception {
    RunningBridge bridge = RunningBridge.start(vertx, "token", "s3cret");
    vertx.eventBus().consumer("echo.request", m -> m.reply(m.headers().contains("token") ? "leaked" : m.body()))
        .completion().await(5, TimeUnit.SECONDS);
    JsonObject token = new JsonObject().put("token", "s3cret");
    try (BridgeClient client = BridgeClient.connect(bridge.port())) {
      for (JsonObject frame : List.of(
          new JsonObject().put("type", "ping"),
          new JsonObject().put("type", "ping").put("headers", new JsonObject().put("token", "s3cres")),
          new JsonObject().put("type", "ping").put("headers", new JsonObject().put("token", "s3cret ")),
          new JsonObject().put("type", "register").put("address", "wsgi.app"),
          new JsonObject().put("type", "unregister").put("address", "wsgi.app"),
          new JsonObject().put("type", "publish").put("address", "echo.request").put("body", "x"))) {
        client.send(frame);
        assertThat(client.receive().getString("message")).as(frame.encode()).isEqualTo("invalid_token");
      }
      client.send(new JsonObject().put("type", "send").put("address", "echo.request").put("replyAddress", "r1").put("body", "x"));
      // A refused request is failed at once, under its reply address.
      JsonObject refused = client.receive();
      assertThat(refused.getString("message")).isEqualTo("invalid_token");
      assertThat(refused.getString("address")).isEqualTo("r1");
      client.send(new JsonObject().put("type", "ping").put("headers", token));
      assertThat(client.receive().getString("type")).isEqualTo("pong");
      client.send(new JsonObject().put("type", "send").put("address", "echo.request").put("replyAddress", "r2")
          .put("headers", token).put("body", "ok"));
      assertThat(client.receive().getString("body")).isEqualTo("ok");
      client.send(new JsonObject().put("type", "register").put("address", "wsgi.app").put("headers", token));
      client.send(new JsonObject().put("type", "ping").put("headers", token));
      assertThat(client.receive().getString("type")).isEqualTo("pong");
      vertx.eventBus().send("wsgi.app", "delivered");
      assertThat(client.receive().getString("body")).isEqualTo("delivered");
    }
    assertThat(bridge.meters().refused(Refusal.INVALID_TOKEN)).isEqualTo(7);
  }

  @Test
  @DisplayName("past maxConnections a connection gets an error frame and is closed, counted; a close frees a place")
  void maxConnections(Vertx vertx) throws Exception {
    RunningBridge bridge = RunningBridge.start(vertx, "maxConnections", "2");
    try (BridgeClient first = BridgeClient.connect(bridge.port()); BridgeClient second = BridgeClient.connect(bridge.port())) {
      first.roundTrip();
      second.roundTrip();
      try (BridgeClient third = BridgeClient.connect(bridge.port())) {
        assertThat(third.receive()).isEqualTo(new JsonObject().put("type", "err").put("message", "too many connections (limit 2)"));
        assertThat(third.in().read()).isEqualTo(-1);
      }
      assertThat(bridge.meters().refused(Refusal.CONNECTION_LIMIT)).isEqualTo(1);
      first.close();
      Await.condition("the first connection's place to be freed", Duration.ofSeconds(5), () -> bridge.meters().open() == 1);
      try (BridgeClient fourth = BridgeClient.connect(bridge.port())) {
        fourth.roundTrip();
      }
    }
  }

  @Test
  @DisplayName("a frame declared over maxFrameBytes gets an error frame and the connection closes before its payload is read")
  void maxFrame(Vertx vertx) throws Exception {
    int port = start(vertx, "maxFrameBytes", "1024");
    try (BridgeClient client = BridgeClient.connect(port)) {
      client.out().writeInt(1025);
      client.out().flush();
      assertThat(client.receive().getString("message")).isEqualTo("frame of 1025 bytes over the limit of 1024");
      assertThat(client.in().read()).isEqualTo(-1);
    }
  }

  @Test
  @DisplayName("a silent connection is closed at the idle timeout; a pinging one is not")
  void idleTimeout(Vertx vertx) throws Exception {
    int port = start(vertx, "idleTimeout", "300ms");
    try (BridgeClient silent = BridgeClient.connect(port); BridgeClient pinging = BridgeClient.connect(port)) {
      java.util.concurrent.CompletableFuture<Integer> silentEnd = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return silent.in().read();
        } catch (IOException e) {
          return -2;
        }
      });
      // Ping every 50 ms, as a client should, until the silent connection has been closed.
      while (!silentEnd.isDone()) {
        pinging.send(new JsonObject().put("type", "ping"));
        assertThat(pinging.receive().getString("type")).isEqualTo("pong");
        Thread.sleep(50);
      }
      assertThat(silentEnd.get()).isEqualTo(-1);
      pinging.send(new JsonObject().put("type", "ping"));
      assertThat(pinging.receive().getString("type")).isEqualTo("pong");
    }
  }
}
