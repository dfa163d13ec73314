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
  private final ClusterRequester requester;
  private volatile String nodeId;

  SendTarget(String address, Context context, Promise<Message<Object>> outcome, ClusterRequester requester) {
    this.address = address;
    this.context = context;
    this.outcome = outcome;
    this.requester = requester;
  }

  /** Null until the node selector has chosen, and for a request handled in this JVM. */
  String nodeId() {
    return nodeId;
  }

  /** The selector chose: on the sender's thread, or later when it first had to look the address up. */
  void sentTo(String nodeId) {
    this.nodeId = nodeId;
    requester.track(this);
  }

  /** The node left the cluster: the request fails now, on its sender's context, instead of at its timeout. */
  void lost() {
    context.runOnContext(v -> outcome.tryFail(new NodeLostException(nodeId, address)));
  }
}
