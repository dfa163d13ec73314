package dev.switchboard.deploy.cluster;

import dev.switchboard.bus.NodeLostException;
import dev.switchboard.bus.Requester;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/**
 * The clustered {@link Requester}: remembers which node each pending request went to (told by the
 * {@link NodeAwareSelector} while {@code EventBus.request} runs), and when that node leaves the cluster fails those
 * requests at once, retrying the ones that are safe to retry. Without it they wait for their send timeout (30 s by
 * default), since Vert.x keeps waiting for replies from a node that is gone. A reply from another node carries that
 * node, so that a streamed body following it can be cut off when the node goes ({@link #watchSender}).
 */
final class ClusterRequester implements Requester {

  /** The request being sent on this thread, for the node selector to report its choice to. */
  static final ThreadLocal<SendTarget> TRACKED = new ThreadLocal<>();

  private final Vertx vertx;
  private final String localNodeId;
  private final NodeWatchers watchers = new NodeWatchers();

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

  @Override
  public Runnable watchSender(Message<?> reply, Runnable onLost) {
    if (!(reply instanceof NodeReply remote)) {
      return () -> { };
    }
    Context context = context();
    return watchers.watch(remote.nodeId(), () -> context.runOnContext(v -> onLost.run()));
  }

  private Future<Message<Object>> send(String address, Object body, DeliveryOptions options) {
    Promise<Message<Object>> outcome = Promise.promise();
    SendTarget target = new SendTarget(address, context(), outcome, watchers, localNodeId);
    Future<Message<Object>> reply;
    TRACKED.set(target);
    try {
      reply = vertx.eventBus().request(address, body, options);
    } finally {
      TRACKED.remove();
    }
    reply.onComplete(done -> {
      target.answered();
      if (done.failed()) {
        outcome.tryFail(done.cause());
      } else {
        String from = target.remoteNodeId();
        outcome.tryComplete(from == null ? done.result() : new NodeReply(done.result(), from));
      }
    });
    return outcome.future();
  }

  private Context context() {
    Context current = Vertx.currentContext();
    return current != null ? current : vertx.getOrCreateContext();
  }

  /** A member left: everything still waiting for it fails now. */
  void nodeLeft(String nodeId) {
    watchers.nodeLeft(nodeId);
  }
}
