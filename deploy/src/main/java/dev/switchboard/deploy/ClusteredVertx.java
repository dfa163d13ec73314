package dev.switchboard.deploy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import dev.switchboard.access.ClusterStructures;
import dev.switchboard.config.ClusterConfig;
import dev.switchboard.deploy.cluster.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Builds a clustered Vert.x from {@link ClusterConfig}: Hazelcast configured in code (no XML to keep in step), TCP-IP
 * join on the configured members (or, in Kubernetes, a DNS lookup of a headless Service), multicast and
 * auto-detection off, bound to the configured interface only, and the structures Vert.x keeps in Hazelcast with one
 * backup each.
 */
final class ClusteredVertx {

  static final Duration MERGE_CHECK = Duration.ofSeconds(5);

  private ClusteredVertx() {
  }

  /**
   * Joins the cluster, blocking: returns once this node is a member of a cluster of at least {@code minMembers}, or
   * fails with one clear line within {@code joinTimeout}.
   */
  static ClusterNode join(VertxOptions options, ClusterConfig cluster) throws InterruptedException {
    long deadline = System.nanoTime() + cluster.joinTimeout().toNanos();
    ClusterNode node;
    try {
      node = start(options, cluster).await(cluster.joinTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("could not join cluster '" + cluster.name() + "' within " + cluster.joinTimeout()
          + " (" + cluster.discovery() + ")");
    } catch (Exception e) {
      throw new IllegalStateException("could not start the cluster member on " + cluster.host() + ":" + cluster.port()
          + " (" + cluster.portCount() + " port(s) tried): " + e.getMessage());
    }
    while (node.members() < cluster.minMembers()) {
      if (System.nanoTime() > deadline) {
        int size = node.members();
        node.vertx().close();
        throw new IllegalStateException("cluster '" + cluster.name() + "' has " + size + " member(s), fewer than "
            + "cluster.minMembers " + cluster.minMembers() + " after " + cluster.joinTimeout() + " ("
            + cluster.discovery() + ")");
      }
      Thread.sleep(100);
    }
    return node;
  }

  static Future<ClusterNode> start(VertxOptions options, ClusterConfig cluster) {
    EventBusOptions bus = options.getEventBusOptions().setHost(cluster.eventBusHost()).setPort(cluster.eventBusPort());
    if (!cluster.publicHost().isEmpty()) {
      bus.setClusterPublicHost(cluster.publicHost());
    }
    if (cluster.publicPort() > 0) {
      bus.setClusterPublicPort(cluster.publicPort());
    }
    return ClusterNode.start(options, hazelcast(cluster));
  }

  static Config hazelcast(ClusterConfig cluster) {
    Config config = new Config();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    // Switchboard leaves the cluster in its own ordered stop; Hazelcast's hook would race it.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // The default waits 5 s before joining; a second is enough for members started together on one network.
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(cluster.heartbeatInterval().toSeconds()));
    config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(cluster.maxNoHeartbeat().toSeconds()));
    // After a partition heals, the two halves stay separate clusters until a merge check runs: 300 s after start and
    // every 120 s by default. Checking every 5 s makes one cluster again within about 10 s of the link returning.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", String.valueOf(MERGE_CHECK.toSeconds()));
    config.setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(MERGE_CHECK.toSeconds()));
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true).setPortCount(cluster.portCount());
    network.getInterfaces().setEnabled(true).addInterface(cluster.host());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (cluster.kubernetes().enabled()) {
      // TCP-IP join keeps only the member addresses on the local interface, so a name resolving to every pod finds
      // no one; the DNS lookup mode of Hazelcast's Kubernetes discovery tries each address it resolves to. The member
      // still binds and announces cluster.host alone: in a pod that is the pod IP, which the others resolve.
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", cluster.kubernetes().serviceDns())
          .setProperty("service-port", String.valueOf(cluster.kubernetesPort()));
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }
    config.addMultiMapConfig(new MultiMapConfig(ClusterStructures.SUBSCRIPTIONS).setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig(ClusterStructures.HA_INFO).setBackupCount(1));
    config.addMapConfig(new MapConfig(ClusterStructures.NODE_INFO).setBackupCount(1));
    return config;
  }
}
