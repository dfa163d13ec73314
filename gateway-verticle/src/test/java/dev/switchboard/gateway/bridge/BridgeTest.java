package dev.switchboard.gateway.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
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
    Map<String, String> keys = new HashMap<>(Map.of("bridge.port", "0"));
    for (int i = 0; i < keyValues.length; i += 2) {
      keys.put("bridge." + keyValues[i], keyValues[i + 1]);
    }
    BridgeVerticle verticle = new BridgeVerticle(ConfigLoader.load(null, new OverrideSource(keys, Map.of(), Map.of())).bridge());
    vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
    return verticle.boundListeners().get(0).port();
  }

  private record Client(Socket socket, DataInputStream in, DataOutputStream out) implements AutoCloseable {
    static Client connect(int port) throws IOException {
      Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(10_000);
      return new Client(socket, new DataInputStream(socket.getInputStream()), new DataOutputStream(socket.getOutputStream()));
    }

    void send(JsonObject frame) throws IOException {
      byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
      out.writeInt(json.length);
      out.write(json);
      out.flush();
    }

    JsonObject receive() throws IOException {
      byte[] json = new byte[in.readInt()];
      in.readFully(json);
      return new JsonObject(new String(json, StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  @DisplayName("send and publish are each allowed only on their own list; a refusal is an error frame")
  void allowLists(Vertx vertx) throws Exception {
    int port = start(vertx, "allow.publish", "news.*");
    vertx.eventBus().consumer("echo.request", m -> m.reply(m.body())).completion().await(5, TimeUnit.SECONDS);
    try (Client client = Client.connect(port)) {
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
  @DisplayName("with a token configured, register needs it in headers.token")
  void registerToken(Vertx vertx) throws Exception {
    int port = start(vertx, "token", "s3cret");
    try (Client client = Client.connect(port)) {
      client.send(new JsonObject().put("type", "register").put("address", "wsgi.app"));
      assertThat(client.receive()).isEqualTo(new JsonObject().put("type", "err").put("message", "blocked by bridgeEvent handler"));
      client.send(new JsonObject().put("type", "register").put("address", "wsgi.app")
          .put("headers", new JsonObject().put("token", "s3cret")));
      // Frames are handled in order: once the ping is answered, the register has been done.
      client.send(new JsonObject().put("type", "ping"));
      assertThat(client.receive().getString("type")).isEqualTo("pong");
      vertx.eventBus().send("wsgi.app", "delivered");
      JsonObject message = client.receive();
      assertThat(message.getString("type")).isEqualTo("message");
      assertThat(message.getString("body")).isEqualTo("delivered");
    }
  }

  @Test
  @DisplayName("a frame declared over maxFrameBytes gets an error frame and the connection closes before its payload is read")
  void maxFrame(Vertx vertx) throws Exception {
    int port = start(vertx, "maxFrameBytes", "1024");
    try (Client client = Client.connect(port)) {
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
    try (Client silent = Client.connect(port); Client pinging = Client.connect(port)) {
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
