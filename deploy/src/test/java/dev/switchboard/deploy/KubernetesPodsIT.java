package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.testing.Await;
import dev.switchboard.testing.ChildProcess;
import dev.switchboard.testing.IntegrationTest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Deployments of {@code deploy/kubernetes/switchboard.yaml} run as Kubernetes would run them, without Kubernetes:
 * one pod of each, each in its own network namespace with its own pod IP, on a bridge that the test (standing where
 * the kubelet stands) also reaches. Each container's command, arguments and environment are the manifest's, with the
 * built jar for the image's and a hosts file in which the headless Service's name resolves to both pod IPs, as the
 * cluster DNS would. Needs root and {@code ip netns}; skipped without them.
 */
@IntegrationTest
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KubernetesPodsIT {

  private static final Path MANIFEST = Path.of("kubernetes", "switchboard.yaml");
  private static final Duration START = Duration.ofSeconds(90);
  private static final String HEADLESS_SERVICE = "switchboard-cluster";

  private final String prefix = "sbk" + ProcessHandle.current().pid() % 200;
  private final String subnet = "10.213." + (20 + ProcessHandle.current().pid() % 200) + ".";
  private final List<String> namespaces = new ArrayList<>();
  private final Map<String, RunningJar> pods = new LinkedHashMap<>();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path dir;

  private static boolean run(String... command) throws IOException, InterruptedException {
    ChildProcess.Finished finished = ChildProcess.run(Duration.ofSeconds(10), command);
    if (finished.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + finished.output().strip());
    }
    return true;
  }

  private static boolean networkNamespacesAvailable() {
    try {
      return ProcessHandle.current().info().user().orElse("").equals("root") && run("ip", "netns", "list");
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** A bridge in a namespace of its own (the node), one veth to it per pod, and one from the test's namespace. */
  private void network(Map<String, String> podIps) throws IOException, InterruptedException {
    String node = prefix + "-node";
    run("ip", "netns", "add", node);
    namespaces.add(node);
    run("ip", "-n", node, "link", "add", "br0", "type", "bridge");
    run("ip", "-n", node, "link", "set", "br0", "up");
    int i = 0;
    for (Map.Entry<String, String> pod : podIps.entrySet()) {
      String namespace = pod.getKey();
      String hostSide = prefix + "-h" + i++;
      run("ip", "netns", "add", namespace);
      namespaces.add(namespace);
      run("ip", "link", "add", hostSide, "netns", node, "type", "veth", "peer", "name", "eth0", "netns", namespace);
      run("ip", "-n", node, "link", "set", hostSide, "master", "br0", "up");
      run("ip", "-n", namespace, "addr", "add", pod.getValue() + "/24", "dev", "eth0");
      run("ip", "-n", namespace, "link", "set", "eth0", "up");
      run("ip", "-n", namespace, "link", "set", "lo", "up");
    }
    // The test's own namespace joins the bridge as the kubelet's node would; the link goes when the node's namespace does.
    run("ip", "link", "add", prefix + "-k", "type", "veth", "peer", "name", "kubelet", "netns", node);
    run("ip", "-n", node, "link", "set", "kubelet", "master", "br0", "up");
    run("ip", "addr", "add", subnet + "254/24", "dev", prefix + "-k");
    run("ip", "link", "set", prefix + "-k", "up");
  }

  /** The container's command line as the kubelet runs it, in the pod's namespace, with only its own environment. */
  private RunningJar startPod(String namespace, Container container, String podIp, Path hosts) throws IOException {
    List<String> problems = new ArrayList<>();
    Map<String, String> environment = KubernetesManifestCheck.environment(container, podIp, problems::add);
    assertThat(problems).isEmpty();
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "env", "-i"));
    environment.forEach((name, value) -> command.add(name + "=" + value));
    List<String> java = container.getCommand();
    int jar = java.indexOf("-jar");
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Djdk.net.hosts.file=" + hosts);
    command.addAll(java.subList(1, jar));
    command.addAll(List.of("-jar", RunningJar.jar().toAbsolutePath().toString()));
    command.addAll(container.getArgs());
    return RunningJar.startCommand(command);
  }

  private HttpResponse<String> get(String ip, String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":8080" + path)).timeout(Duration.ofSeconds(5))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private void awaitReady(String ip, int status, Duration timeout) throws InterruptedException {
    Await.condition("/health/ready on " + ip + " to answer " + status, timeout, () -> {
      try {
        return get(ip, "/health/ready").statusCode() == status;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    });
  }

  private static int members(HttpResponse<String> ready) {
    return new JsonObject(ready.body()).getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("id").equals("cluster")).findFirst().orElseThrow().getJsonObject("data").getInteger("members");
  }

  @Test
  @DisplayName("a gateway pod and a services pod of the manifest find each other by DNS, serve, go unready when cut off "
      + "and ready again when the link is back, and stop within their grace")
  void podsOfTheManifest() throws Exception {
    Assumptions.assumeTrue(networkNamespacesAvailable(), "needs root and ip netns");
    List<Deployment> deployments = KubernetesManifestCheck.objects(Files.readString(MANIFEST), "Deployment", Deployment.class);
    assertThat(deployments).extracting(d -> d.getMetadata().getName())
        .containsExactly("switchboard-gateway", "switchboard-services");
    Map<String, String> podIps = new LinkedHashMap<>();
    podIps.put(prefix + "-gw", subnet + "7");
    podIps.put(prefix + "-svc", subnet + "8");
    network(podIps);
    Path hosts = Files.writeString(dir.resolve("hosts"),
        subnet + "7 " + HEADLESS_SERVICE + "\n" + subnet + "8 " + HEADLESS_SERVICE + "\n");
    List<String> namespaceOrder = List.copyOf(podIps.keySet());
    for (int i = 0; i < deployments.size(); i++) {
      Container container = deployments.get(i).getSpec().getTemplate().getSpec().getContainers().get(0);
      String namespace = namespaceOrder.get(i);
      pods.put(namespace, startPod(namespace, container, podIps.get(namespace), hosts));
    }
    RunningJar gateway = pods.get(prefix + "-gw");
    RunningJar services = pods.get(prefix + "-svc");
    for (RunningJar pod : pods.values()) {
      assertThat(pod.awaitLine("joined cluster 'switchboard' in \\d+ ms: (\\d+) member\\(s\\)", START).group(1)).isEqualTo("2");
      pod.awaitLine(" started$", START);
    }

    String gatewayIp = subnet + "7";
    HttpResponse<String> ready = get(gatewayIp, "/health/ready");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(members(ready)).isEqualTo(2);
    assertThat(get(gatewayIp, "/health/live").statusCode()).isBetween(200, 204);
    Await.condition("the echo consumer of the services pod to be known to the gateway pod", Duration.ofSeconds(30), () -> {
      try {
        return client.send(HttpRequest.newBuilder(URI.create("http://" + gatewayIp + ":8080/echo"))
            .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("across")).build(),
            HttpResponse.BodyHandlers.ofString()).body().equals("across");
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    });
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress(subnet + "8", 7007), 2000);
    }
    assertThatThrownBy(() -> {
      try (Socket bridge = new Socket()) {
        bridge.connect(new InetSocketAddress(gatewayIp, 7070), 2000);
      }
    }).as("the bridge, without a token, is not on the pod network").isInstanceOf(IOException.class);

    // Cut the services pod off: the gateway pod, now a minority of one, reports not ready.
    run("ip", "-n", prefix + "-svc", "link", "set", "eth0", "down");
    awaitReady(gatewayIp, 503, Duration.ofSeconds(30));
    run("ip", "-n", prefix + "-svc", "link", "set", "eth0", "up");
    // The link back, Hazelcast's merge check (every 5 s) makes one cluster again: ready once more.
    awaitReady(gatewayIp, 200, Duration.ofSeconds(60));

    // SIGTERM after the preStop sleep: each pod must be gone within the grace period left (15 s - 5 s), and by
    // stopping in order, not because its shutdownTimeout (4 s) ran out.
    for (RunningJar pod : List.of(gateway, services)) {
      pod.terminate();
      assertThat(pod.awaitExit(Duration.ofSeconds(10))).isIn(0, 143);
      assertThat(pod.remainingLines(Duration.ofSeconds(2))).anyMatch(l -> l.endsWith(" stopped"))
          .noneMatch(l -> l.contains("longer than shutdownTimeout"));
    }
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (RunningJar pod : pods.values()) {
      pod.close();
    }
    for (String namespace : namespaces) {
      try {
        run("ip", "netns", "del", namespace);
      } catch (IOException e) {
        System.err.println("could not delete network namespace " + namespace + ": " + e.getMessage());
      }
    }
  }
}
