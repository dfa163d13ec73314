package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Await;
import dev.switchboard.testing.ChildProcess;
import dev.switchboard.testing.IntegrationTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * A cluster of separate JVMs started by deploy/local-cluster.sh: a gateway node and two service nodes on loopback.
 * Kill -9, failover, rejoin, a graceful stop, and a Python application attached to other nodes' bridges.
 */
@IntegrationTest
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LocalClusterIT {

  private static final Path SCRIPT = Path.of("local-cluster.sh").toAbsolutePath();
  private static final Path RUNS = Path.of("target", "local-cluster-it").toAbsolutePath();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, String> env = new HashMap<>();
  private Path dir;
  private Process python;

  private static int freeBase(int span) throws IOException {
    // A base port with span free ports above it, on loopback.
    for (int attempt = 0; attempt < 50; attempt++) {
      int base;
      try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
        base = probe.getLocalPort();
      }
      if (base + span > 65535) {
        continue;
      }
      boolean free = true;
      for (int p = base; p < base + span && free; p++) {
        try (ServerSocket s = new ServerSocket(p, 50, InetAddress.getLoopbackAddress())) {
          free = s.isBound();
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no free port range");
  }

  private String script(String... args) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString());
    builder.command().addAll(java.util.List.of(args));
    builder.environment().putAll(env);
    ChildProcess.Finished finished = ChildProcess.run(builder, Duration.ofSeconds(120));
    assertThat(finished.exitValue()).as(finished.output()).isZero();
    return finished.output();
  }

  @BeforeEach
  void start(TestInfo test) throws Exception {
    // A directory per test, emptied: the logs of a test are its own (the script appends to a node's log).
    dir = RUNS.resolve(test.getTestMethod().orElseThrow().getName());
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
    int base = freeBase(20);
    env.put("HTTP_PORT", String.valueOf(base));
    env.put("BRIDGE_PORT", String.valueOf(base + 1));
    env.put("HZ_BASE_PORT", String.valueOf(base + 5));
    env.put("ECHO_BASE_PORT", String.valueOf(base + 10));
    env.put("UDP_BASE_PORT", String.valueOf(base + 15));
    env.put("CLUSTER_DIR", dir.toString());
    long started = System.nanoTime();
    script("start", "2");
    System.out.printf("cluster of 3 JVMs started in %d ms%n", (System.nanoTime() - started) / 1_000_000);
  }

  @AfterEach
  void stop() throws Exception {
    if (python != null) {
      python.destroy();
      python.waitFor(10, TimeUnit.SECONDS);
    }
    script("stop");
    assertThat(script("status")).contains("no nodes");
  }

  private int http() {
    return Integer.parseInt(env.get("HTTP_PORT"));
  }

  /** The node that answered, or null when the request failed. */
  private String echoNode() {
    try {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http() + "/echo"))
          .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.headers().firstValue("X-Switchboard-Node").orElse("?") : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** Requests sent after a fault: how many failed, and how many in a row have succeeded since the last failure. */
  private static final class Tally {
    int sent;
    int errors;
    int streak;

    /** Counts one request; returns the run of successes it ends or extends. */
    int count(boolean succeeded) {
      sent++;
      if (succeeded) {
        streak++;
      } else {
        errors++;
        streak = 0;
      }
      return streak;
    }
  }

  private Set<String> nodesSeen(int requests) {
    Set<String> nodes = new HashSet<>();
    for (int i = 0; i < requests; i++) {
      String node = echoNode();
      if (node != null) {
        nodes.add(node);
      }
    }
    return nodes;
  }

  @Test
  @DisplayName("requests spread over both echo nodes; kill -9 of one: errors counted, then every request succeeds; the node rejoins")
  void failoverAndRejoin() throws Exception {
    Await.condition("both echo nodes to serve", Duration.ofSeconds(60), () -> nodesSeen(10).size() == 2);

    script("kill", "2");
    long killedAt = System.nanoTime();
    Tally tally = new Tally();
    // Recovery is the event awaited (100 requests in a row answered); the figure is reported, not asserted.
    Await.condition("100 requests in a row to succeed after the kill", Duration.ofSeconds(60),
        () -> tally.count(echoNode() != null) >= 100);
    long recoveredMs = (System.nanoTime() - killedAt) / 1_000_000;
    System.out.printf("kill -9 of an echo node: %d of %d requests failed; 100 in a row succeeded %d ms after the kill%n",
        tally.errors, tally.sent, recoveredMs);
    Files.writeString(dir.resolve("failover.txt"),
        "errors=" + tally.errors + " sent=" + tally.sent + " recoveredMs=" + recoveredMs + "\n");
    assertThat(nodesSeen(10)).hasSize(1);

    script("start-node", "2");
    Await.condition("the restarted node to serve again", Duration.ofSeconds(60), () -> nodesSeen(10).size() == 2);
    String log = Files.readString(dir.resolve("node-2.log"));
    assertThat(Pattern.compile("(?m)^=== \\S+ node 2 starting ===$").matcher(log).results().count())
        .as("a run separator per start; the killed run's log kept").isEqualTo(2);
    assertThat(Pattern.compile("(?m) started$").matcher(log).results().count()).isEqualTo(2);
  }

  @Test
  @DisplayName("stop-node of a service node: it stops on SIGTERM and logs 'stopped'; /echo goes on through the other node, "
      + "and a Python application given both nodes' bridges moves to the other one")
  void gracefulStopAndPythonFailover() throws Exception {
    int bridge = Integer.parseInt(env.get("BRIDGE_PORT"));
    python = pythonApplication("127.0.0.1:" + (bridge + 1) + ",127.0.0.1:" + (bridge + 2));
    Await.condition("both echo nodes to serve", Duration.ofSeconds(60), () -> nodesSeen(10).size() == 2);
    Await.condition("the Python application, on node 1's bridge, to answer", Duration.ofSeconds(60), this::pythonAnswers);

    CompletableFuture<String> stopping = CompletableFuture.supplyAsync(() -> {
      try {
        return script("stop-node", "1");
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    });
    int errors = 0;
    int sent = 0;
    while (!stopping.isDone()) {
      sent++;
      if (echoNode() == null) {
        errors++;
      }
    }
    String out = stopping.get(1, TimeUnit.SECONDS);
    System.out.printf("stop-node of an echo node: %s; %d of %d requests sent meanwhile failed%n", out.strip(), errors,
        sent);
    assertThat(out).containsPattern("node 1 \\(pid \\d+\\) stopped in \\d+\\.\\d s");
    String log = Files.readString(dir.resolve("node-1.log"));
    assertThat(log.substring(log.lastIndexOf(" node 1 starting ==="))).contains("Main - stopping", "Main - stopped");
    assertThat(script("status")).contains("node 0: running", "node 2: running").doesNotContain("node 1");

    Set<String> nodes = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      String node = echoNode();
      assertThat(node).as("request %d after the stop", i).isNotNull();
      nodes.add(node);
    }
    assertThat(nodes).hasSize(1);
    Await.condition("the Python application to answer through node 2's bridge", Duration.ofSeconds(30),
        this::pythonAnswers);
    Pattern switched = Pattern.compile("bridge 127\\.0\\.0\\.1:" + (bridge + 1) + " lost \\(.+\\); connected to 127\\.0\\.0\\.1:"
        + (bridge + 2));
    Await.condition("the adapter's log line for the switch", Duration.ofSeconds(10),
        () -> switched.matcher(pythonLog()).find());
  }

  private Process pythonApplication(String bridges) throws IOException {
    return new ProcessBuilder("python3", "-m", "switchboard.wsgi", "tests.apps:application", "--name", "remote",
        "--bridge", bridges, "--threads", "2")
        .directory(Path.of("..", "clients", "python").toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("python.log").toFile()).start();
  }

  private String pythonLog() {
    try {
      return Files.readString(dir.resolve("python.log"));
    } catch (IOException e) {
      return "";
    }
  }

  private boolean pythonAnswers() {
    try {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + http() + "/apps/remote/ping")).timeout(Duration.ofSeconds(2)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && response.body().equals("pong");
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  @DisplayName("a request to the gateway node reaches a Python WSGI application attached to another node's bridge")
  void pythonOnAnotherNode() throws Exception {
    python = pythonApplication("127.0.0.1:" + (Integer.parseInt(env.get("BRIDGE_PORT")) + 2));
    Await.condition("the Python application on node 2 to answer through node 0", Duration.ofSeconds(60),
        this::pythonAnswers);
  }
}
