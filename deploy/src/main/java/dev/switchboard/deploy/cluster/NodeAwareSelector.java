package dev.switchboard.deploy.cluster;

import dev.switchboard.access.ClusterRoundRobin;
import io.vertx.core.Completable;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Vert.x's round-robin choice of a node for each message sent, with two corrections it cannot make itself:
 * <ul>
 *   <li>a node that has left the cluster is never chosen, even before its consumers' registrations are cleaned up
 *       (Hazelcast's cleanup trails the membership change);</li>
 *   <li>a node that announced it is leaving ({@link LeavingNotice}) is chosen only when no other node serves the
 *       address: it still answers during its drain, so it is a last resort rather than a hole.</li>
 * </ul>
 * It also tells the {@link ClusterRequester} which node a request went to, so that the request fails at once when
 * that node leaves. Vert.x 5.0 has no public hook for the choice: {@link dev.switchboard.access.ClusterBootstrap}
 * makes it Vert.x's choice.
 */
final class NodeAwareSelector {

  /** Enough tries of the round robin to get past one or two avoided nodes among a handful. */
  private static final int ATTEMPTS = 4;
  /** Departed node ids kept: ids are never reused, the set only has to outlive the registrations' cleanup. */
  private static final int DEPARTED_KEPT = 256;

  private final ClusterRoundRobin roundRobin;
  private final Set<String> leaving = ConcurrentHashMap.newKeySet();
  /**
   * Read on every send, changed only when membership changes: an immutable set swapped whole, so that a send takes no
   * lock. The oldest ids are dropped beyond {@link #DEPARTED_KEPT}.
   */
  private volatile Set<String> departed = Set.of();

  NodeAwareSelector(ClusterRoundRobin roundRobin) {
    this.roundRobin = roundRobin;
  }

  /** Another node said it is leaving: send to it only when nothing else serves an address. */
  void avoid(String nodeId) {
    leaving.add(nodeId);
  }

  /** A node (re)joined: a member cut off by a partition comes back with the id it had. */
  synchronized void arrived(String nodeId) {
    Set<String> kept = new LinkedHashSet<>(departed);
    kept.remove(nodeId);
    departed = Collections.unmodifiableSet(kept);
  }

  /** A node left the cluster: never send to it again. */
  synchronized void departed(String nodeId) {
    Set<String> kept = new LinkedHashSet<>(departed);
    kept.add(nodeId);
    if (kept.size() > DEPARTED_KEPT) {
      kept.remove(kept.iterator().next());
    }
    departed = Collections.unmodifiableSet(kept);
    leaving.remove(nodeId);
  }

  /**
   * Picks the node a message sent to {@code address} goes to: Vert.x's choice
   * ({@link dev.switchboard.access.ClusterBootstrap.SendChoice}).
   */
  void selectForSend(String address, Completable<String> promise) {
    // Called on the sender's thread, inside EventBus.request: the request being sent is the one tracked there.
    SendTarget target = ClusterRequester.TRACKED.get();
    select(address, 1, null, (nodeId, failure) -> {
      if (failure == null && target != null) {
        target.sentTo(nodeId);
      }
      if (failure == null) {
        promise.succeed(nodeId);
      } else {
        promise.fail(failure);
      }
    });
  }

  /** @param fallback a leaving node already chosen once, used when no other node comes up */
  private void select(String address, int attempt, String fallback, Completable<String> promise) {
    roundRobin.next(address, (nodeId, failure) -> {
      if (failure != null) {
        promise.complete(fallback, fallback != null ? null : failure);
      } else if (nodeId == null) {
        promise.succeed(fallback);
      } else if (!departed.contains(nodeId) && !leaving.contains(nodeId)) {
        promise.succeed(nodeId);
      } else if (attempt < ATTEMPTS) {
        select(address, attempt + 1, leaving.contains(nodeId) ? nodeId : fallback, promise);
      } else {
        // Only departed (or leaving) nodes came up: a leaving node still serves; a departed one means no consumer,
        // which Vert.x answers at once with NO_HANDLERS when given no node.
        promise.succeed(leaving.contains(nodeId) ? nodeId : fallback);
      }
    });
  }
}
