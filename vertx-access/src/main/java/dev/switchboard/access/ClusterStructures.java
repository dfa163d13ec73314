package dev.switchboard.access;

/**
 * The names of the Hazelcast structures a clustered Vert.x keeps its state in. vertx-hazelcast's own
 * {@code default-cluster.xml} configures them; a Hazelcast configuration written in code has to do so itself.
 */
public final class ClusterStructures {

  /** Multimap: which node has consumers of which address. */
  public static final String SUBSCRIPTIONS = "__vertx.subs";
  /** Map: the high-availability state of each node. */
  public static final String HA_INFO = "__vertx.haInfo";
  /** Map: each node's event-bus address. */
  public static final String NODE_INFO = "__vertx.nodeInfo";

  private ClusterStructures() {
  }
}
