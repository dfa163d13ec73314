package dev.switchboard.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.access.ClusterRoundRobin;
import io.vertx.core.Completable;
import io.vertx.core.Promise;
import io.vertx.core.spi.cluster.ClusteredNode;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NodeAwareSelectorTest {

  /** A cluster where node {@code self} sees these registrations of address {@code a}. */
  static NodeAwareSelector selector(String... nodes) {
    List<RegistrationInfo> registrations = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      registrations.add(new RegistrationInfo(nodes[i], i, false));
    }
    Map<String, List<RegistrationInfo>> byAddress = Map.of("a", registrations);
    return new NodeAwareSelector(ClusterRoundRobin.over(new ClusteredNode() {
      @Override
      public String getNodeId() {
        return "self";
      }

      @Override
      public void getRegistrations(String address, Completable<List<RegistrationInfo>> promise) {
        promise.succeed(byAddress.getOrDefault(address, List.of()));
      }

      @Override
      public NodeInfo getNodeInfo() {
        return null;
      }

      @Override
      public void getNodeInfo(String nodeId, Completable<NodeInfo> promise) {
        promise.fail("not used");
      }

      @Override
      public List<String> getNodes() {
        return List.of(nodes);
      }
    }));
  }

  static List<String> choices(NodeAwareSelector selector, int count) {
    List<String> chosen = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Promise<String> promise = Promise.promise();
      selector.selectForSend("a", promise);
      chosen.add(promise.future().result());
    }
    return chosen;
  }

  @Test
  @DisplayName("round robin over every node serving the address")
  void roundRobin() {
    assertThat(choices(selector("n1", "n2"), 4)).containsExactlyInAnyOrder("n1", "n2", "n1", "n2");
  }

  @Test
  @DisplayName("a leaving node is not chosen while another serves the address, and is the last resort when none does")
  void leavingNodeIsLastResort() {
    NodeAwareSelector selector = selector("n1", "n2");
    selector.avoid("n1");
    assertThat(choices(selector, 6)).containsOnly("n2");
    selector.departed("n2");
    assertThat(choices(selector, 3)).containsOnly("n1");
  }

  @Test
  @DisplayName("a departed node is never chosen, even while its registrations linger; with no one else, no node (Vert.x answers NO_HANDLERS)")
  void departedNodeIsNeverChosen() {
    NodeAwareSelector selector = selector("n1", "n2", "n3");
    selector.departed("n1");
    assertThat(choices(selector, 6)).doesNotContain("n1").contains("n2", "n3");
    NodeAwareSelector alone = selector("n1");
    alone.departed("n1");
    assertThat(choices(alone, 2)).containsExactly(null, null);
  }

  @Test
  @DisplayName("a node back from a healed partition keeps its id and is chosen again")
  void returningNodeIsChosenAgain() {
    NodeAwareSelector selector = selector("n1", "n2");
    selector.departed("n1");
    selector.arrived("n1");
    assertThat(choices(selector, 4)).contains("n1", "n2");
  }
}
