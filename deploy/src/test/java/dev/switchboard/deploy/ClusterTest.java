package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.deploy.cluster.ClusterNode;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.IntegrationTest;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two clustered nodes in one JVM, each with its own Hazelcast member on loopback. */
@IntegrationTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterTest {

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static SwitchboardConfig node(String roles, int hazelcastPort, String members) {
    Map<String, String> keys = new HashMap<>(Map.of("roles", roles, "instances", "1", "gateway.port", "0",
        "echo.listeners.0.port", "0", "udp.port", "0", "cluster.enabled", "true",
        "cluster.port", String.valueOf(hazelcastPort), "cluster.portCount", "1", "cluster.members", members));
    return ConfigLoader.load(null, new OverrideSource(keys, Map.of(), Map.of()));
  }

  private HttpResponse<String> postEcho(int port) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo"))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("across")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("a node that finds fewer members than cluster.minMembers fails start-up with one line, within joinTimeout")
  void tooFewMembers() throws Exception {
    int port = freePort();
    Map<String, String> keys = Map.of("cluster.enabled", "true", "cluster.port", String.valueOf(port),
        "cluster.portCount", "1", "cluster.members", "127.0.0.1:" + port, "cluster.minMembers", "2",
        "cluster.joinTimeout", "3s");
    SwitchboardConfig config = ConfigLoader.load(null, new OverrideSource(keys, Map.of(), Map.of()));
    CompletableFuture<ClusterNode> joining = CompletableFuture.supplyAsync(() -> {
      try {
        return ClusteredVertx.join(new VertxOptions(), config.cluster());
      } catch (InterruptedException e) {
        throw new CompletionException(e);
      }
    });
    // A bounded wait, not a measurement: past the 3 s joinTimeout, short of the 30 s default a join ignoring it would use.
    assertThat(joining).failsWithin(Duration.ofSeconds(20)).withThrowableOfType(ExecutionException.class).havingCause()
        .withMessage("cluster 'switchboard' has 1 member(s), fewer than cluster.minMembers 2 after PT3S (members [127.0.0.1:"
            + port + "])");
  }

  @Test
  @DisplayName("a node whose Hazelcast port is taken fails start-up with one line naming it")
  void portTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Map<String, String> keys = Map.of("cluster.enabled", "true", "cluster.port", String.valueOf(port),
          "cluster.portCount", "1", "cluster.members", "127.0.0.1:" + port, "cluster.joinTimeout", "20s");
      SwitchboardConfig config = ConfigLoader.load(null, new OverrideSource(keys, Map.of(), Map.of()));
      assertThatThrownBy(() -> ClusteredVertx.join(new VertxOptions(), config.cluster()))
          .hasMessageStartingWith("could not start the cluster member on 127.0.0.1:" + port + " (1 port(s) tried): ");
    }
  }

  @Test
  @DisplayName("a request to the gateway on node A reaches the echo service on node B; with B gone, 503 at once")
  void gatewayReachesAnotherNode() throws Exception {
    int portA = freePort();
    int portB = freePort();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    SwitchboardConfig configA = node("gateway", portA, members);
    SwitchboardConfig configB = node("echo", portB, members);
    long started = System.nanoTime();
    ClusterNode nodeA = ClusteredVertx.start(Main.vertxOptions(), configA.cluster()).await(60, TimeUnit.SECONDS);
    ClusterNode nodeB = ClusteredVertx.start(new VertxOptions(), configB.cluster()).await(60, TimeUnit.SECONDS);
    Vertx a = nodeA.vertx();
    Vertx b = nodeB.vertx();
    System.out.printf("two-node cluster formed in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    try {
      List<BoundListener> gateway = new Assembly(nodeA, configA, Main.meterRegistry(nodeA.vertx())).start().await(20, TimeUnit.SECONDS);
      new Assembly(nodeB, configB, Main.meterRegistry(nodeB.vertx())).start().await(20, TimeUnit.SECONDS);
      int http = gateway.get(0).port();
      Await.condition("the echo consumer of node B to be known on node A", Duration.ofSeconds(30), () -> {
        try {
          return postEcho(http).statusCode() == 200;
        } catch (Exception e) {
          return false;
        }
      });
      assertThat(postEcho(http).body()).isEqualTo("across");
      HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/health/ready"))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(new io.vertx.core.json.JsonObject(ready.body()).getJsonArray("checks").stream()
          .map(c -> (io.vertx.core.json.JsonObject) c).filter(c -> c.getString("id").equals("cluster")).findFirst()
          .orElseThrow().getJsonObject("data").getInteger("members")).as("readiness reports the members").isEqualTo(2);
      assertThat(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/metrics")).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body()).contains("switchboard_cluster_members 2.0");

      b.close().await(30, TimeUnit.SECONDS);
      Await.condition("node B's consumers to be forgotten", Duration.ofSeconds(30), () -> {
        try {
          return postEcho(http).statusCode() == 503;
        } catch (Exception e) {
          return false;
        }
      });
      // At once, not after the upstream timeout: that (30 s) is beyond postEcho's 10 s, and would be a 504.
      HttpResponse<String> none = postEcho(http);
      assertThat(none.statusCode()).isEqualTo(503);
      assertThat(none.body()).isEqualTo("no application at echo.request\n");
    } finally {
      a.close().await(30, TimeUnit.SECONDS);
    }
  }
}
