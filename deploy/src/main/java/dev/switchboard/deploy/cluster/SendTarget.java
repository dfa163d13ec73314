package dev.switchboard.deploy.cluster;

import dev.switchboard.bus.NodeLostException;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;

/** One request in flight from this node: where it went, and its outcome, which a lost node can decide first. */
final class SendTarget {

  private final String address;
  private final Context context;
  private final Promise<Message<Object>> outcome;
  private final NodeWatchers watchers;
  private final String localNodeId;
  private volatile String nodeId;
  private volatile Runnable unwatch;

  SendTarget(String address, Context context, Promise<Message<Object>> outcome, NodeWatchers watchers,
             String localNodeId) {
    this.address = address;
    this.context = context;
    this.outcome = outcome;
    this.watchers = watchers;
    this.localNodeId = localNodeId;
  }

  /**
   * The selector chose, on the sender's thread or later when it first had to look the address up; before the message
   * is written, so that the node cannot leave unnoticed in between. A request handled in this JVM is not watched.
   */
  void sentTo(String nodeId) {
    this.nodeId = nodeId;
    if (nodeId != null && !nodeId.equals(localNodeId)) {
      unwatch = watchers.watch(nodeId, this::lost);
    }
  }

  /** The node that answered, null for this one. */
  String remoteNodeId() {
    return unwatch != null ? nodeId : null;
  }

  void answered() {
    Runnable watch = unwatch;
    if (watch != null) {
      watch.run();
    }
  }

  /** The node left the cluster: the request fails now, on its sender's context, instead of at its timeout. */
  private void lost() {
    context.runOnContext(v -> outcome.tryFail(new NodeLostException(nodeId, address)));
  }
}
