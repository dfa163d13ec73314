package dev.switchboard.deploy.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

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

  /** Tells every other member; completes with how many confirmed within {@code within} (the rest may be gone). */
  Future<Integer> announce(Collection<String> members, Duration within) {
    JsonObject notice = new JsonObject().put(LEAVING, localNodeId);
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(Math.max(1, within.toMillis()));
    List<Future<Message<Object>>> answers = members.stream().filter(id -> !id.equals(localNodeId))
        .map(id -> vertx.eventBus().<Object>request(ADDRESS_PREFIX + id, notice, options)).toList();
    return Future.join(answers).transform(done -> Future.succeededFuture(
        (int) answers.stream().filter(Future::succeeded).count()));
  }
}
