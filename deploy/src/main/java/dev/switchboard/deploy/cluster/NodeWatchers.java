package dev.switchboard.deploy.cluster;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** What waits on another node: run, once, if that node leaves the cluster before the watch is cancelled. */
final class NodeWatchers {

  private final Map<String, Set<Runnable>> byNode = new ConcurrentHashMap<>();

  /** @return cancels the watch */
  Runnable watch(String nodeId, Runnable onLost) {
    byNode.computeIfAbsent(nodeId, id -> ConcurrentHashMap.newKeySet()).add(onLost);
    return () -> byNode.computeIfPresent(nodeId, (id, watchers) -> watchers.remove(onLost) && watchers.isEmpty() ? null : watchers);
  }

  void nodeLeft(String nodeId) {
    Set<Runnable> lost = byNode.remove(nodeId);
    if (lost != null) {
      lost.forEach(Runnable::run);
    }
  }
}
