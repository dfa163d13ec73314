package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.deploy.cluster.ClusterNode;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.IntegrationTest;
import dev.switchboard.wsgi.WsgiApplications;
import dev.switchboard.wsgi.WsgiRequest;
import dev.switchboard.wsgi.WsgiResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two clustered nodes in one JVM: node A runs the gateway, node B an application. What a client of A sees when B dies
 * with requests in flight, and when B leaves in order.
 */
@IntegrationTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterFaultTest {

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<ClusterNode> started = new ArrayList<>();
  private int hazelcastB;

  @AfterEach
  void closeNodes() {
    // Not awaited: a node whose Hazelcast was terminated can take Vert.x's whole close timeout.
    started.forEach(node -> node.vertx().close());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * The gateway's own clocks (the upstream timeout, the stream idle timeout) far beyond each test's @Timeout: a request
   * these tests see failed can only have been failed by the cluster noticing that a node left.
   */
  private static SwitchboardConfig node(String roles, int hazelcastPort, String members) {
    Map<String, String> keys = new HashMap<>(Map.of("roles", roles, "instances", "1", "gateway.port", "0",
        "echo.listeners.0.port", "0", "cluster.enabled", "true", "cluster.port", String.valueOf(hazelcastPort),
        "cluster.portCount", "1", "cluster.members", members, "gateway.upstreamTimeout", "10m",
        "gateway.stream.idleTimeout", "10m"));
    return ConfigLoader.load(null, new OverrideSource(keys, Map.of(), Map.of()));
  }

  /** Node A (gateway) and node B (echo), joined; returns A's HTTP port. */
  private int twoNodes() throws Exception {
    int portA = freePort();
    hazelcastB = freePort();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + hazelcastB;
    SwitchboardConfig configA = node("gateway", portA, members);
    SwitchboardConfig configB = node("echo", hazelcastB, members);
    ClusterNode a = ClusteredVertx.start(new VertxOptions(), configA.cluster()).await(60, TimeUnit.SECONDS);
    started.add(a);
    ClusterNode b = ClusteredVertx.start(new VertxOptions(), configB.cluster()).await(60, TimeUnit.SECONDS);
    started.add(b);
    Await.condition("both members to see each other", Duration.ofSeconds(30), () -> a.members() == 2 && b.members() == 2);
    return new Assembly(a, configA, Main.meterRegistry(a.vertx())).start().await(20, TimeUnit.SECONDS).get(0).port();
  }

  private ClusterNode a() {
    return started.get(0);
  }

  private ClusterNode b() {
    return started.get(1);
  }

  private CompletableFuture<HttpResponse<String>> send(int port, String method, String path) {
    return client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(40)).method(method, HttpRequest.BodyPublishers.ofString(method.equals("GET") ? "" : "x"))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Future<WsgiResponse> answer(String text) {
    return Future.succeededFuture(WsgiResponse.text(text));
  }

  @Test
  @DisplayName("requests in flight to a node that dies: a POST gets 502 with Retry-After at once, a GET is sent again to another node")
  void nodeDiesWithRequestsInFlight() throws Exception {
    int http = twoNodes();
    BlockingQueue<String> arrivedOnB = new LinkedBlockingQueue<>();
    // B takes requests and never answers: without the cluster's help they would wait for the upstream timeout.
    WsgiApplications.serve(b().vertx(), "work", request -> {
      arrivedOnB.add(request.method());
      return Promise.<WsgiResponse>promise().future();
    }).completion().await(10, TimeUnit.SECONDS);
    CompletableFuture<HttpResponse<String>> post = send(http, "POST", "/apps/work/");
    CompletableFuture<HttpResponse<String>> get = send(http, "GET", "/apps/work/");
    assertThat(List.of(arrivedOnB.poll(20, TimeUnit.SECONDS), arrivedOnB.poll(20, TimeUnit.SECONDS)))
        .containsExactlyInAnyOrder("POST", "GET");
    WsgiApplications.serve(a().vertx(), "work", request -> answer("from A")).completion().await(10, TimeUnit.SECONDS);

    long killed = System.nanoTime();
    terminate(hazelcastB);

    // The README promises the 502 within maxNoHeartbeat (5 s) of a node's death; the wait is a generous bound on that,
    // and the answer's identity says it came from the node loss, not from a clock of the gateway's.
    HttpResponse<String> lost = post.get(30, TimeUnit.SECONDS);
    // The figure docs/cluster.md quotes: reported, not asserted.
    System.out.printf("node B terminated: POST failed after %d ms%n", (System.nanoTime() - killed) / 1_000_000);
    assertThat(lost.statusCode()).isEqualTo(502);
    assertThat(lost.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(lost.body()).isEqualTo("the cluster node serving wsgi.work left before answering\n");
    HttpResponse<String> retried = get.get(30, TimeUnit.SECONDS);
    assertThat(retried.statusCode()).isEqualTo(200);
    assertThat(retried.body()).isEqualTo("from A");
  }

  @Test
  @DisplayName("a streamed answer from a node that dies is cut off at once, not after the stream's idle timeout")
  void streamFromADyingNodeIsCutOff() throws Exception {
    int http = twoNodes();
    WsgiApplications.serveStreaming(b().vertx(), "feed", (request, response) ->
        response.stream("200 OK", List.of()).write(Buffer.buffer("first\n")))
        .completion().await(10, TimeUnit.SECONDS);
    HttpResponse<InputStream> feed = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/apps/feed/"))
        .timeout(Duration.ofSeconds(40)).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(feed.statusCode()).isEqualTo(200);
    InputStream body = feed.body();
    assertThat(new String(body.readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("first\n");

    terminate(hazelcastB);
    // Before the test's @Timeout, and so (node()) not at the stream idle timeout.
    assertThatThrownBy(body::readAllBytes).as("the chunked body is cut, not ended").isInstanceOf(IOException.class);
  }

  @Test
  @DisplayName("a node that leaves in order answers what was routed to it, while new requests go to the other node")
  void orderedLeaveLosesNothing() throws Exception {
    int http = twoNodes();
    Promise<Void> release = Promise.promise();
    BlockingQueue<String> heldOnB = new LinkedBlockingQueue<>();
    WsgiApplications.serve(b().vertx(), "work", request -> {
      if (!request.path().endsWith("/hold")) {
        return answer("B");
      }
      heldOnB.add(request.path());
      return release.future().map(v -> WsgiResponse.text("B after hold"));
    }).completion().await(10, TimeUnit.SECONDS);
    WsgiApplications.serve(a().vertx(), "work", request -> answer("A")).completion().await(10, TimeUnit.SECONDS);
    Await.condition("node A to route to B's consumer too", Duration.ofSeconds(30),
        () -> send(http, "GET", "/apps/work/probe").join().body().equals("B"));

    // Round robin over two nodes: one of two requests lands on B and is held there.
    CompletableFuture<HttpResponse<String>> first = send(http, "GET", "/apps/work/hold");
    CompletableFuture<HttpResponse<String>> second = send(http, "GET", "/apps/work/hold");
    assertThat(heldOnB.poll(20, TimeUnit.SECONDS)).isNotNull();
    assertThat(CompletableFuture.anyOf(first, second).get(20, TimeUnit.SECONDS)).extracting(r -> ((HttpResponse<?>) r).body())
        .isEqualTo("A");
    CompletableFuture<HttpResponse<String>> held = first.isDone() ? second : first;

    Future<Void> left = b().leave(Duration.ofSeconds(30));
    Await.condition("node A to stop routing to the leaving node", Duration.ofSeconds(10), () -> {
      for (int i = 0; i < 4; i++) {
        if (!send(http, "GET", "/apps/work/probe").join().body().equals("A")) {
          return false;
        }
      }
      return true;
    });
    for (int i = 0; i < 10; i++) {
      assertThat(send(http, "POST", "/apps/work/probe").join().body()).as("new requests avoid the leaving node").isEqualTo("A");
    }
    assertThat(held).as("the request routed to B before it left is still being served").isNotDone();
    assertThat(left.isComplete()).as("B waits for the answer it owes").isFalse();

    b().vertx().runOnContext(v -> release.complete());
    HttpResponse<String> answered = held.get(20, TimeUnit.SECONDS);
    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(answered.body()).isEqualTo("B after hold");
    left.await(10, TimeUnit.SECONDS);
  }

  private static void terminate(int hazelcastPort) {
    HazelcastInstance instance = Hazelcast.getAllHazelcastInstances().stream()
        .filter(hz -> hz.getCluster().getLocalMember().getAddress().getPort() == hazelcastPort).findFirst().orElseThrow();
    // As abrupt as Hazelcast allows in one JVM: no leave message, connections dropped.
    instance.getLifecycleService().terminate();
  }
}
