package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a connection registers lives exactly as long as the connection. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeRegisterTest {

  private static final DeliveryOptions SHORT = new DeliveryOptions().setSendTimeout(500);

  private static JsonObject register(String address) {
    return new JsonObject().put("type", "register").put("address", address);
  }

  @Test
  @DisplayName("an address registered twice on one connection has one consumer, and none once the connection is gone")
  void duplicateRegisterLeavesNoStray(Vertx vertx) throws Exception {
    RunningBridge bridge = RunningBridge.start(vertx);
    try (BridgeClient client = BridgeClient.connect(bridge.port())) {
      client.send(register("wsgi.hello"));
      client.send(register("wsgi.hello"));
      client.roundTrip();
      // One consumer: a message sent to the address arrives once.
      vertx.eventBus().send("wsgi.hello", "one");
      vertx.eventBus().send("wsgi.hello", "two");
      assertThat(client.receive().getString("body")).isEqualTo("one");
      assertThat(client.receive().getString("body")).isEqualTo("two");
    }
    // Gone with the connection: requests fail at once with NO_HANDLERS rather than waiting for a consumer that is
    // left without a socket. Until the bridge has seen the close, a request may still time out.
    assertThat(awaitNoHandlers(vertx, "wsgi.hello")).isTrue();
  }

  @Test
  @DisplayName("after a client that registered twice disconnects, the real consumer answers every request")
  void realConsumerAnswersEveryRequest(Vertx vertx) throws Exception {
    RunningBridge bridge = RunningBridge.start(vertx);
    vertx.eventBus().consumer("wsgi.hello", m -> m.reply("real")).completion().await(5, TimeUnit.SECONDS);
    try (BridgeClient client = BridgeClient.connect(bridge.port())) {
      client.send(register("wsgi.hello"));
      client.send(register("wsgi.hello"));
      client.roundTrip();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    int inARow = 0;
    while (inARow < 20 && System.nanoTime() < deadline) {
      try {
        vertx.eventBus().request("wsgi.hello", "hi", SHORT).await(5, TimeUnit.SECONDS);
        inARow++;
      } catch (ReplyException e) {
        inARow = 0;
      }
    }
    assertThat(inARow).as("requests in a row answered by the real consumer").isEqualTo(20);
  }

  @Test
  @DisplayName("unregister then register again works, and unregister of an address not registered is an error")
  void unregisterAndAgain(Vertx vertx) throws Exception {
    RunningBridge bridge = RunningBridge.start(vertx);
    try (BridgeClient client = BridgeClient.connect(bridge.port())) {
      client.send(register("wsgi.app"));
      client.send(new JsonObject().put("type", "unregister").put("address", "wsgi.app"));
      client.send(register("wsgi.app"));
      client.roundTrip();
      vertx.eventBus().send("wsgi.app", "delivered");
      assertThat(client.receive().getString("body")).isEqualTo("delivered");
      client.send(new JsonObject().put("type", "unregister").put("address", "wsgi.other"));
      assertThat(client.receive().getString("message")).isEqualTo("unknown_address");
    }
  }

  @Test
  @DisplayName("a connection the bridge closes (a frame over the limit) leaves no consumer behind")
  void closedByTheBridge(Vertx vertx) throws Exception {
    RunningBridge bridge = RunningBridge.start(vertx, "maxFrameBytes", "1024");
    try (BridgeClient client = BridgeClient.connect(bridge.port())) {
      client.send(register("wsgi.closed"));
      client.roundTrip();
      client.out().writeInt(1025);
      client.out().flush();
      assertThat(client.receive().getString("message")).startsWith("frame of 1025 bytes");
      assertThat(client.in().read()).isEqualTo(-1);
    }
    assertThat(awaitNoHandlers(vertx, "wsgi.closed")).isTrue();
  }

  @Test
  @DisplayName("a connection reset by the client leaves no consumer behind, and logs no stack trace")
  void resetByTheClient(Vertx vertx) throws Exception {
    RunningBridge bridge = RunningBridge.start(vertx);
    try (LogCapture lines = LogCapture.all()) {
      BridgeClient client = BridgeClient.connect(bridge.port());
      client.send(register("wsgi.reset"));
      client.roundTrip();
      client.socket().setSoLinger(true, 0);   // close() sends a reset
      client.close();
      assertThat(awaitNoHandlers(vertx, "wsgi.reset")).isTrue();
      assertThat(lines.events()).noneMatch(e -> e.getThrowableProxy() != null);
    }
  }

  /** Requests until one fails with NO_HANDLERS; false when none did within 15 s. */
  private static boolean awaitNoHandlers(Vertx vertx, String address) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      try {
        vertx.eventBus().request(address, "hi", SHORT).await(5, TimeUnit.SECONDS);
      } catch (ReplyException e) {
        if (e.failureType() == ReplyFailure.NO_HANDLERS) {
          return true;
        }
      }
    }
    return false;
  }
}
