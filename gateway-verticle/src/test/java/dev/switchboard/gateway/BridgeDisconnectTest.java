package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bridge.BridgeClient;
import dev.switchboard.bridge.RunningBridge;
import dev.switchboard.gateway.meters.GatewayMeters.Failure;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** An application served over the bridge that goes away mid-request: its callers learn it at once. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeDisconnectTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("a bridge client that closes holding a request: the HTTP client gets 502 at once, not 504 after 30 s")
  void closedClientFailsItsRequests(Vertx vertx) throws Exception {
    RunningBridge bridge = RunningBridge.start(vertx);
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    try (BridgeClient app = BridgeClient.connect(bridge.port())) {
      app.send(new JsonObject().put("type", "register").put("address", "wsgi.gone"));
      app.roundTrip();

      // The first request is answered: closing later must not fail it a second time.
      CompletableFuture<HttpResponse<String>> answered = gateway.client()
          .sendAsync(gateway.request("/apps/gone/first").GET().build(), HttpResponse.BodyHandlers.ofString());
      JsonObject first = app.receive();
      app.send(new JsonObject().put("type", "send").put("address", first.getString("replyAddress"))
          .put("body", new JsonObject().put("status", "200 OK").put("headers", new JsonArray()).put("body", "b2s=")));
      assertThat(answered.get(10, TimeUnit.SECONDS).body()).isEqualTo("ok");

      CompletableFuture<HttpResponse<String>> abandoned = gateway.client()
          .sendAsync(gateway.request("/apps/gone/second").GET().build(), HttpResponse.BodyHandlers.ofString());
      JsonObject second = app.receive();
      assertThat(second.getString("replyAddress")).isNotNull();
      app.close();
      // The 30 s upstream timeout is far beyond this wait: an answer at all means the close failed the request, and
      // its status, text and counts say which failure it was.
      HttpResponse<String> response = abandoned.get(10, TimeUnit.SECONDS);

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.body()).isEqualTo("application at wsgi.gone disconnected before answering\n");
      assertThat(bridge.meters().unanswered()).isEqualTo(1);
      assertThat(gateway.meters().failures(Failure.APPLICATION_FAILED)).isEqualTo(1);
      assertThat(gateway.meters().failures(Failure.TIMEOUT)).isZero();
    }
  }

  @Test
  @DisplayName("a bus request the client was handed fails with code 502 when it closes; its other messages are not touched")
  void busRequestFailsOnClose(Vertx vertx) throws Exception {
    RunningBridge bridge = RunningBridge.start(vertx);
    try (BridgeClient app = BridgeClient.connect(bridge.port())) {
      app.send(new JsonObject().put("type", "register").put("address", "wsgi.bus"));
      app.roundTrip();
      var request = vertx.eventBus().request("wsgi.bus", "waiting",
          new DeliveryOptions().setSendTimeout(30_000));
      vertx.eventBus().send("wsgi.bus", "no reply wanted");
      assertThat(app.receive().getString("body")).isEqualTo("waiting");
      assertThat(app.receive().getString("body")).isEqualTo("no reply wanted");
      app.close();
      Throwable failure = request.toCompletionStage().toCompletableFuture()
          .handle((reply, error) -> error).get(2, TimeUnit.SECONDS);
      assertThat(failure).isInstanceOf(ReplyException.class);
      ReplyException replyError = (ReplyException) failure;
      assertThat(replyError.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
      assertThat(replyError.failureCode()).isEqualTo(502);
      assertThat(bridge.meters().unanswered()).isEqualTo(1);
    }
  }
}
