package dev.switchboard.deploy.cluster;

import dev.switchboard.bus.NodeLostException;
import dev.switchboard.bus.Requester;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clustered {@link Requester}: remembers which node each pending request went to (told by the
 * {@link NodeAwareSelector} while {@code EventBus.request} runs), and when that node leaves the cluster fails those
 * requests at once, retrying the ones that are safe to retry. Without it they wait for their send timeout (30 s by
 * default), since Vert.x keeps waiting for replies from a node that is gone.
 */
final class ClusterRequester implements Requester {

  /** The request being sent on this thread, for the node selector to report its choice to. */
  static final ThreadLocal<SendTarget> TRACKED = new ThreadLocal<>();

  private final Vertx vertx;
  private final String localNodeId;
  private final Map<String, Set<SendTarget>> pendingByNode = new ConcurrentHashMap<>();

  ClusterRequester(Vertx vertx, String localNodeId) {
    this.vertx = vertx;
    this.localNodeId = localNodeId;
  }

  @Override
  public Future<Message<Object>> request(String address, Object body, DeliveryOptions options, boolean retrySafe) {
    Future<Message<Object>> first = send(address, body, options);
    return retrySafe
        ? first.recover(failure -> failure instanceof NodeLostException ? send(address, body, options) : first)
        : first;
  }

  private Future<Message<Object>> send(String address, Object body, DeliveryOptions options) {
    Context context = Vertx.currentContext();
    Promise<Message<Object>> outcome = Promise.promise();
    SendTarget target = new SendTarget(address, context != null ? context : vertx.getOrCreateContext(), outcome, this);
    Future<Message<Object>> reply;
    TRACKED.set(target);
    try {
      reply = vertx.eventBus().request(address, body, options);
    } finally {
      TRACKED.remove();
    }
    reply.onComplete(done -> {
      untrack(target);
      if (done.succeeded()) {
        outcome.tryComplete(done.result());
      } else {
        outcome.tryFail(done.cause());
      }
    });
    return outcome.future();
  }

  void track(SendTarget target) {
    String nodeId = target.nodeId();
    if (nodeId != null && !nodeId.equals(localNodeId)) {
      pendingByNode.computeIfAbsent(nodeId, id -> ConcurrentHashMap.newKeySet()).add(target);
    }
  }

  private void untrack(SendTarget target) {
    String nodeId = target.nodeId();
    if (nodeId != null) {
      pendingByNode.computeIfPresent(nodeId, (id, pending) -> pending.remove(target) && pending.isEmpty() ? null : pending);
    }
  }

  /** A member left: everything still waiting for it fails now. */
  void nodeLeft(String nodeId) {
    Set<SendTarget> lost = pendingByNode.remove(nodeId);
    if (lost != null) {
      lost.forEach(SendTarget::lost);
    }
  }

  /** Requests waiting for an answer from other nodes, for tests. */
  int pending() {
    return pendingByNode.values().stream().mapToInt(Set::size).sum();
  }
}
