package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.switchboard.config.ClusterConfig;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.testing.IntegrationTest;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code cluster.kubernetes.serviceDns}: members found by a DNS lookup instead of a TCP-IP members list. */
@IntegrationTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KubernetesDiscoveryTest {

  private static ClusterConfig cluster(Map<String, String> environment) {
    return ConfigLoader.load(null, new OverrideSource(Map.of("cluster.enabled", "true"), Map.of(), environment)).cluster();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  @DisplayName("with serviceDns set, Hazelcast joins by Kubernetes DNS lookup on that name and port, TCP-IP join off")
  void serviceDnsTurnsOnDnsLookup() {
    ClusterConfig cluster = cluster(Map.of("SWITCHBOARD_CLUSTER_HOST", "10.1.2.3",
        "SWITCHBOARD_CLUSTER_KUBERNETES_SERVICE_DNS", "switchboard-cluster"));
    JoinConfig join = ClusteredVertx.hazelcast(cluster).getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperties())
        .containsExactlyInAnyOrderEntriesOf(Map.of("service-dns", "switchboard-cluster", "service-port", "5701"));
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    Config config = ClusteredVertx.hazelcast(cluster);
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).as("binds and announces the pod IP")
        .containsExactly("10.1.2.3");
    assertThat(cluster.discovery()).isEqualTo("kubernetes.serviceDns switchboard-cluster:5701");
  }

  @Test
  @DisplayName("servicePort, when set, is the port looked up; without serviceDns the members list is the TCP-IP join")
  void servicePortAndDefault() {
    JoinConfig join = ClusteredVertx.hazelcast(cluster(Map.of("SWITCHBOARD_CLUSTER_KUBERNETES_SERVICE_DNS",
        "switchboard-cluster.prod.svc.cluster.local", "SWITCHBOARD_CLUSTER_KUBERNETES_SERVICE_PORT", "5801")))
        .getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().getProperty("service-port")).isEqualTo("5801");
    JoinConfig plain = ClusteredVertx.hazelcast(cluster(Map.of())).getNetworkConfig().getJoin();
    assertThat(plain.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(plain.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(plain.getTcpIpConfig().getMembers()).isEqualTo(ClusterConfig.DEFAULT_MEMBERS);
  }

  @Test
  @DisplayName("two members whose serviceDns resolves to 127.0.0.1 find each other and form a cluster of 2")
  void twoMembersByDnsLookup() throws Exception {
    int port = freePort();
    Map<String, String> environment = new HashMap<>(Map.of("SWITCHBOARD_CLUSTER_PORT", String.valueOf(port),
        "SWITCHBOARD_CLUSTER_PORT_COUNT", "2", "SWITCHBOARD_CLUSTER_KUBERNETES_SERVICE_DNS", "localhost",
        "SWITCHBOARD_CLUSTER_KUBERNETES_SERVICE_PORT", String.valueOf(port),
        "SWITCHBOARD_CLUSTER_MIN_MEMBERS", "2", "SWITCHBOARD_CLUSTER_JOIN_TIMEOUT", "60s"));
    ClusterConfig first = cluster(Map.of("SWITCHBOARD_CLUSTER_PORT", String.valueOf(port),
        "SWITCHBOARD_CLUSTER_PORT_COUNT", "1", "SWITCHBOARD_CLUSTER_KUBERNETES_SERVICE_DNS", "localhost"));
    // The second takes the next port (the first holds the service port) and finds the first at the service port.
    ClusterConfig second = cluster(environment);
    Vertx a = ClusteredVertx.start(new VertxOptions(), first).await(60, TimeUnit.SECONDS).vertx();
    try {
      Vertx b = ClusteredVertx.join(new VertxOptions(), second).vertx();
      try {
        assertThat(((VertxInternal) b).clusterManager().getNodes()).hasSize(2);
        assertThat(((VertxInternal) a).clusterManager().getNodes()).hasSize(2);
      } finally {
        b.close().await(30, TimeUnit.SECONDS);
      }
    } finally {
      a.close().await(30, TimeUnit.SECONDS);
    }
  }
}
