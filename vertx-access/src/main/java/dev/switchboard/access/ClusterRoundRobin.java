package dev.switchboard.access;

import io.vertx.core.Completable;
import io.vertx.core.eventbus.impl.clustered.DefaultNodeSelector;
import io.vertx.core.spi.cluster.ClusteredNode;

/**
 * Vert.x's own choice of the node a message sent on the clustered event bus goes to: round robin over the nodes with
 * a consumer of its address, kept up to date as consumers come and go. A {@link ClusterBootstrap.SendChoice} starts
 * from it.
 */
public final class ClusterRoundRobin {

  final DefaultNodeSelector selector = new DefaultNodeSelector();

  /** A round robin for {@link ClusterBootstrap#start}, which sets it up as Vert.x joins the cluster. */
  public ClusterRoundRobin() {
  }

  /** A round robin over the consumers {@code node} reports, set up at once: for tests, without a cluster. */
  public static ClusterRoundRobin over(ClusteredNode node) {
    ClusterRoundRobin roundRobin = new ClusterRoundRobin();
    roundRobin.selector.init(node);
    return roundRobin;
  }

  /**
   * The next node for a message sent to {@code address}: {@code promise} gets its id, null when no node has a
   * consumer, or a failure.
   */
  public void next(String address, Completable<String> promise) {
    selector.selectForSend(address, promise);
  }
}
