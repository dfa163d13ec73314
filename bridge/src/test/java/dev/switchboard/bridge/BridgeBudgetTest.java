package dev.switchboard.bridge;

import static dev.switchboard.testing.Await.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bridge.BridgeMeters.Refusal;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code bridge.maxBufferedBytes}: what all bridge connections hold together is bounded, not only each one. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeBudgetTest {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeBudgetTest.class);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int SENT_FIRST = 50_000;

  @Test
  @DisplayName("connections each holding an unfinished frame: the one that needs more than the budget has left gets an "
      + "error frame and is closed (buffer-budget); the others finish their frames, and the budget returns to 0")
  void unfinishedFramesShareTheBudget(Vertx vertx) throws Exception {
    RunningBridge bridge = RunningBridge.start(vertx, "maxBufferedBytes", "300000");
    vertx.eventBus().consumer("echo.request", m -> m.reply("ok")).completion().await(5, TimeUnit.SECONDS);
    char[] padding = new char[60_000];
    Arrays.fill(padding, 'x');
    byte[] frame = new JsonObject().put("type", "send").put("address", "echo.request").put("replyAddress", "r")
        .put("body", new String(padding)).encode().getBytes(StandardCharsets.UTF_8);
    List<BridgeClient> holding = new ArrayList<>();
    BridgeClient refused = null;
    try {
      while (refused == null && holding.size() < 20) {
        BridgeClient client = BridgeClient.connect(bridge.port());
        long heldBefore = bridge.budget().held();
        client.out().writeInt(frame.length);
        client.out().write(frame, 0, SENT_FIRST);
        client.out().flush();
        condition("the unfinished frame held, or the connection refused", WAIT,
            () -> bridge.budget().held() == heldBefore + 4 + SENT_FIRST
                || bridge.meters().refused(Refusal.BUFFER_BUDGET) > 0);
        if (bridge.meters().refused(Refusal.BUFFER_BUDGET) > 0) {
          refused = client;
        } else {
          holding.add(client);
        }
      }
      assertThat(refused).as("a connection refused").isNotNull();
      JsonObject err = refused.receive();
      assertThat(err.getString("type")).isEqualTo("err");
      assertThat(err.getString("message")).isEqualTo("out of buffer space (limit 300000)");
      assertThat(holding).as("300 000 bytes hold five times 50 004").hasSize(5);
      assertThat(bridge.budget().peak()).isLessThanOrEqualTo(300_000);
      LOG.info("{} connections held {} bytes of unfinished frames within a budget of 300000; the next was refused",
          holding.size(), bridge.budget().held());

      for (BridgeClient client : holding) {
        client.out().write(frame, SENT_FIRST, frame.length - SENT_FIRST);
        client.out().flush();
        JsonObject reply = client.receive();
        assertThat(reply.getString("body")).isEqualTo("ok");
      }
      condition("nothing held once the frames are done", WAIT, () -> bridge.budget().held() == 0);
    } finally {
      for (BridgeClient client : holding) {
        client.close();
      }
      if (refused != null) {
        refused.close();
      }
    }
    condition("every connection closed", WAIT, () -> bridge.meters().open() == 0);
    assertThat(bridge.budget().held()).isZero();
    assertThat(bridge.meters().refused(Refusal.BUFFER_BUDGET)).isEqualTo(1);
  }

  @Test
  @DisplayName("clients that receive events without reading them hold unsent output only up to the budget: past it "
      + "they are closed (buffer-budget), and everything is given back")
  void unreadOutputSharesTheBudget(Vertx vertx) throws Exception {
    RunningBridge bridge = RunningBridge.start(vertx, "maxBufferedBytes", "300000");
    sleepUntilRefused(vertx, bridge, 3, Refusal.BUFFER_BUDGET);
    assertThat(bridge.budget().peak()).isLessThanOrEqualTo(300_000);
    assertThat(bridge.meters().refused(Refusal.SLOW_CLIENT)).as("the budget, not maxPendingBytes").isZero();
    LOG.info("unread output: budget peak {} of 300000", bridge.budget().peak());
    condition("the budget back to 0", WAIT, () -> bridge.budget().held() == 0);
    try (BridgeClient client = BridgeClient.connect(bridge.port())) {
      client.roundTrip();
    }
  }

  @Test
  @DisplayName("a client that does not read is disconnected past maxPendingBytes: Vert.x's own write queue does not "
      + "hide its output from the guard")
  void unreadOutputPastMaxPendingBytes(Vertx vertx) throws Exception {
    RunningBridge bridge = RunningBridge.start(vertx, "maxPendingBytes", "1048576");
    sleepUntilRefused(vertx, bridge, 1, Refusal.SLOW_CLIENT);
    condition("the budget back to 0", WAIT, () -> bridge.budget().held() == 0);
  }

  /** Clients that register for events and read none; events are published until the bridge refuses one. */
  private static void sleepUntilRefused(Vertx vertx, RunningBridge bridge, int clients, Refusal expected)
      throws Exception {
    List<BridgeClient> sleepers = new ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        BridgeClient client = BridgeClient.connect(bridge.port());
        client.send(new JsonObject().put("type", "register").put("address", "udp.datagrams"));
        client.roundTrip();
        sleepers.add(client);
      }
      JsonObject event = new JsonObject().put("data", "y".repeat(10_000));
      for (int sent = 0; bridge.meters().refused(expected) == 0 && sent < 5_000; sent++) {
        vertx.eventBus().publish("udp.datagrams", event);
      }
      condition("a sleeper disconnected (" + expected + ")", WAIT, () -> bridge.meters().refused(expected) > 0);
    } finally {
      for (BridgeClient client : sleepers) {
        client.close();
      }
    }
    condition("every connection closed", WAIT, () -> bridge.meters().open() == 0);
  }
}
