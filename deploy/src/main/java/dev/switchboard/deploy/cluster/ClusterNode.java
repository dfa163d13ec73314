package dev.switchboard.deploy.cluster;

import com.hazelcast.config.Config;
import dev.switchboard.access.ClusterBootstrap;
import dev.switchboard.access.ClusterRoundRobin;
import dev.switchboard.bus.Requester;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.cluster.NodeListener;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process as a member of the cluster: its clustered Vert.x, a {@link Requester} that fails requests to lost nodes
 * at once, and an ordered {@link #leave}: tell the others, answer what was already routed here, then go.
 */
public final class ClusterNode {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  /** How long the other members get to confirm that they stopped routing to a leaving node. */
  private static final Duration NOTICE_TIMEOUT = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final HazelcastClusterManager manager;
  private final NodeAwareSelector selector;
  private final ClusterRequester requester;
  private final OwedReplies owed;
  private final LeavingNotice notice;

  private ClusterNode(Vertx vertx, HazelcastClusterManager manager, NodeAwareSelector selector) {
    this.vertx = vertx;
    this.manager = manager;
    this.selector = selector;
    this.requester = new ClusterRequester(vertx, manager.getNodeId());
    this.owed = new OwedReplies(vertx);
    this.notice = new LeavingNotice(vertx, manager.getNodeId(), selector);
  }

  /** Starts a clustered Vert.x on {@code hazelcast} and joins; the future completes once this node is a member. */
  public static Future<ClusterNode> start(VertxOptions options, Config hazelcast) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast);
    ClusterRoundRobin roundRobin = new ClusterRoundRobin();
    NodeAwareSelector selector = new NodeAwareSelector(roundRobin);
    return ClusterBootstrap.start(options, manager, roundRobin, selector::selectForSend).compose(vertx -> {
      ClusterNode node = new ClusterNode(vertx, manager, selector);
      return node.watch().map(node).recover(failed -> vertx.close().transform(closed -> Future.failedFuture(failed)));
    });
  }

  private Future<Void> watch() {
    // Vert.x itself listens to membership only for HA deployments, which Switchboard does not use: the listener is ours.
    manager.nodeListener(new NodeListener() {
      @Override
      public void nodeAdded(String nodeId) {
        // A member back from the other side of a healed partition keeps its id.
        selector.arrived(nodeId);
      }

      @Override
      public void nodeLeft(String nodeId) {
        LOG.info("cluster member {} left; {} member(s) now", nodeId, members());
        selector.departed(nodeId);
        requester.nodeLeft(nodeId);
      }
    });
    owed.install(vertx.eventBus());
    return notice.listen();
  }

  public Vertx vertx() {
    return vertx;
  }

  public Requester requester() {
    return requester;
  }

  public String nodeId() {
    return manager.getNodeId();
  }

  /** Members of the cluster as this node sees it; 0 once it has left. */
  public int members() {
    return manager.isActive() ? manager.getNodes().size() : 0;
  }

  /**
   * The first half of a stop: tells the other members to route new requests elsewhere, then waits until every request
   * already routed here has been answered, or {@code drain} has passed. Consumers stay registered meanwhile: a request
   * that was on its way still finds them. Closing Vert.x afterwards unregisters them and leaves the cluster.
   */
  public Future<Void> leave(Duration drain) {
    List<String> others = manager.getNodes().stream().filter(id -> !id.equals(nodeId())).toList();
    long started = System.nanoTime();
    return notice.announce(others, NOTICE_TIMEOUT).compose(unconfirmed -> {
      if (!unconfirmed.isEmpty()) {
        LOG.warn("leaving the cluster: {} of {} member(s) did not confirm the notice: {}", unconfirmed.size(),
            others.size(), unconfirmed);
      }
      return owed.awaitNone(drain.minus(Duration.ofNanos(System.nanoTime() - started)));
    }).map(unanswered -> {
      if (unanswered > 0) {
        LOG.warn("leaving the cluster with {} request(s) unanswered after {}", unanswered, drain);
      }
      return null;
    });
  }
}
