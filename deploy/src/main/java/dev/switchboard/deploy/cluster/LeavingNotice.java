package dev.switchboard.deploy.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tells the other members that this node is leaving, so that they stop choosing it for new requests while it answers
 * the ones it has. Each member listens at {@code switchboard.cluster.node.<nodeId>} for {@code {"leaving": "<nodeId>"}}
 * and answers {@code {"ok": true}} once its node selector avoids that node (docs/bus-contracts.md).
 */
final class LeavingNotice {

  static final String ADDRESS_PREFIX = "switchboard.cluster.node.";
  static final String LEAVING = "leaving";

  private final Vertx vertx;
  private final String localNodeId;
  private final NodeAwareSelector selector;

  LeavingNotice(Vertx vertx, String localNodeId, NodeAwareSelector selector) {
    this.vertx = vertx;
    this.localNodeId = localNodeId;
    this.selector = selector;
  }

  Future<Void> listen() {
    return vertx.eventBus().<Object>consumer(ADDRESS_PREFIX + localNodeId, this::onNotice).completion();
  }

  private void onNotice(Message<Object> message) {
    if (!(message.body() instanceof JsonObject body) || !(body.getValue(LEAVING) instanceof String nodeId)
        || nodeId.isEmpty()) {
      message.fail(400, "expected {\"leaving\": \"<nodeId>\"}");
      return;
    }
    selector.avoid(nodeId);
    message.reply(new JsonObject().put("ok", true));
  }

  /**
   * Tells every other member; completes once each has confirmed or failed to within {@code within}, with the members
   * that did not confirm and why (they may be gone already).
   */
  Future<Map<String, String>> announce(Collection<String> members, Duration within) {
    JsonObject notice = new JsonObject().put(LEAVING, localNodeId);
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(Math.max(1, within.toMillis()));
    Map<String, Future<Message<Object>>> answers = new TreeMap<>();
    members.stream().filter(id -> !id.equals(localNodeId))
        .forEach(id -> answers.put(id, vertx.eventBus().request(ADDRESS_PREFIX + id, notice, options)));
    return Future.join(List.copyOf(answers.values())).transform(done -> {
      Map<String, String> unconfirmed = new TreeMap<>();
      answers.forEach((id, answer) -> {
        if (answer.failed()) {
          unconfirmed.put(id, String.valueOf(answer.cause().getMessage()));
        }
      });
      return Future.succeededFuture(unconfirmed);
    });
  }
}
