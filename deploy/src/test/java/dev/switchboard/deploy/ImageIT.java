package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.config.BridgeConfig;
import dev.switchboard.config.ClusterConfig;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.EchoListenerConfig;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.config.UdpConfig;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.ChildProcess;
import dev.switchboard.testing.IntegrationTest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
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
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image ({@code target/switchboard-image.tar}, profile image): its configuration read from the tarball,
 * then its entrypoint run. No container engine runs here, so the stand-in for {@code docker run} is what an engine
 * does at its core: the layers unpacked into a directory, and the entrypoint started in it with {@code chroot}, as the
 * image's user, in mount and PID namespaces of its own with /proc and /dev mounted (needs root).
 */
@IntegrationTest
class ImageIT {

  private static final Duration START = Duration.ofSeconds(90);
  private static final Path TOOLS = Path.of("/usr/sbin");

  @TempDir
  static Path work;
  private static ImageTarball image;
  private static Path root;

  @BeforeAll
  static void unpack() throws IOException, InterruptedException {
    Path tarball = ImageTarball.built();
    assumeTrue(Files.isRegularFile(tarball), "no image was built (profile image is for Linux x86_64; -Djib.skip)");
    image = ImageTarball.open(tarball, Files.createDirectory(work.resolve("image")));
    root = Files.createDirectory(work.resolve("root"));
    image.unpackLayers(root);
  }

  @Test
  @DisplayName("the image is switchboard:<version>: the fat jar on a jlinked Java, with the launcher's JVM defaults and Hazelcast's flags")
  void entrypoint() throws IOException {
    assertThat(image.tags()).containsExactly("switchboard:" + System.getProperty("test.switchboard.version"));
    List<String> entrypoint = image.entrypoint();
    assertThat(entrypoint.get(0)).isEqualTo("/opt/java/bin/java");
    assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size())).containsExactly("-jar", "/app/switchboard.jar");
    List<String> jvmOptions = entrypoint.subList(1, entrypoint.size() - 2);
    assertThat(jvmOptions).as("switchboard.sh's defaults, in order").containsSubsequence(launcherDefaults());
    assertThat(jvmOptions).as("deploy/local-cluster.sh's hz_opens, in order").containsSubsequence(hazelcastOptions());
    assertThat(root.resolve("app/switchboard.jar")).hasSameBinaryContentAs(RunningJar.jar());
    assertThat(Files.isExecutable(root.resolve("opt/java/bin/java"))).isTrue();
  }

  @Test
  @DisplayName("the image runs as a user that is not root, listed in its /etc/passwd, with a /tmp it can write")
  void user() throws IOException, InterruptedException {
    String user = image.runConfig().getString("User");
    assertThat(user).matches("[1-9][0-9]*:[0-9]+");
    String uid = user.split(":")[0];
    assertThat(Files.readAllLines(root.resolve("etc/passwd"))).anyMatch(line -> line.split(":")[2].equals(uid));
    assertThat(image.listing()).contains("drwxrwxrwx tmp/");
  }

  @Test
  @DisplayName("the image exposes every default port, and its environment opens the gateway, echo and UDP but not the bridge")
  void portsAndEnvironment() {
    assertThat(image.runConfig().getJsonObject("ExposedPorts").fieldNames()).containsExactlyInAnyOrder(
        GatewayConfig.DEFAULT_PORT + "/tcp", BridgeConfig.DEFAULT_PORT + "/tcp", EchoListenerConfig.DEFAULT_PORT + "/tcp",
        UdpConfig.DEFAULT_PORT + "/udp", ClusterConfig.DEFAULT_PORT + "/tcp");
    OverrideSource overrides = new OverrideSource(Map.of(), Map.of(), image.environment());
    SwitchboardConfig config = ConfigLoader.load(null, overrides);
    assertThat(overrides.ignoredEnvironment()).isEmpty();
    assertThat(config.gateway().host()).isEqualTo("0.0.0.0");
    assertThat(config.echo().listeners().get(0).host()).isEqualTo("0.0.0.0");
    assertThat(config.udp().host()).isEqualTo("0.0.0.0");
    assertThat(config.bridge().host()).as("no token by default: loopback only").isEqualTo(BridgeConfig.DEFAULT_HOST);
  }

  @Test
  @DisplayName("the Kubernetes manifests run this image, with its java and its jar")
  void kubernetesManifestsUseTheImage() throws IOException {
    List<Container> containers = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("kubernetes"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        KubernetesManifestCheck.objects(Files.readString(file), "Deployment", Deployment.class)
            .forEach(d -> containers.addAll(d.getSpec().getTemplate().getSpec().getContainers()));
      }
    }
    assertThat(containers).isNotEmpty().allSatisfy(container -> {
      assertThat(container.getImage()).isEqualTo(image.tags().get(0));
      List<String> command = container.getCommand();
      assertThat(command.get(0)).isEqualTo(image.entrypoint().get(0));
      assertThat(command.subList(command.size() - 2, command.size())).containsExactly("-jar", "/app/switchboard.jar");
    });
  }

  @Test
  @DisplayName("the entrypoint, run as the image's user in a chroot of its layers, serves GET /health/ready with 200")
  void runs() throws IOException, InterruptedException {
    assumeTrue("root".equals(System.getProperty("user.name")), "chroot and namespaces need root");
    Optional<Path> unshare = tool("unshare");
    Optional<Path> chroot = tool("chroot");
    Optional<Path> mount = tool("mount");
    assumeTrue(unshare.isPresent() && chroot.isPresent() && mount.isPresent(), "needs unshare, chroot and mount");
    // What an engine provides: /proc, /dev and the host's resolver configuration.
    Files.createDirectories(root.resolve("proc"));
    Files.createDirectories(root.resolve("dev"));
    if (Files.isReadable(Path.of("/etc/resolv.conf"))) {
      Files.copy(Path.of("/etc/resolv.conf"), root.resolve("etc/resolv.conf"));
    }
    // PID 1 of the namespace is a shell that passes SIGTERM on to the JVM and waits for it, as an engine's init would;
    // it gets SIGTERM itself when unshare dies (--kill-child), and timeout bounds the whole run if this test dies.
    String init = "mount=$1 chroot=$2 root=$3 user=$4; shift 4\n"
        + "\"$mount\" --rbind /dev \"$root/dev\" || exit 1\n"
        + "\"$chroot\" --userspec=\"$user\" \"$root\" \"$@\" &\n"
        + "pid=$!\n"
        + "trap 'kill -TERM $pid' TERM INT\n"
        + "wait $pid\n"
        + "wait $pid\n";
    List<String> command = new ArrayList<>(List.of(tool("timeout").orElseThrow().toString(), "-s", "TERM", "150",
        unshare.get().toString(), "--mount", "--pid", "--fork", "--kill-child=SIGTERM", "--mount-proc=" + root.resolve("proc"),
        "/bin/sh", "-c", init, "sh", mount.get().toString(), chroot.get().toString(), root.toString(),
        image.runConfig().getString("User")));
    command.addAll(image.entrypoint());
    Map<String, String> environment = new LinkedHashMap<>(image.environment());
    environment.putAll(Map.of("SWITCHBOARD_GATEWAY_HOST", "127.0.0.1", "SWITCHBOARD_ECHO_LISTENERS_0_HOST", "127.0.0.1",
        "SWITCHBOARD_UDP_HOST", "127.0.0.1", "SWITCHBOARD_GATEWAY_PORT", "0", "SWITCHBOARD_ECHO_LISTENERS_0_PORT", "0",
        "SWITCHBOARD_UDP_PORT", "0", "SWITCHBOARD_BRIDGE_PORT", "0"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(environment);
    RunningJar container = RunningJar.start(builder);
    try {
      Matcher gateway = container.awaitLine("gateway listener http \\(http\\) on 127\\.0\\.0\\.1:(\\d+)$", START);
      container.awaitLine(" started$", START);
      assertThat(ready(Integer.parseInt(gateway.group(1)))).isEqualTo(200);
      List<ProcessHandle> jvm = jvm(container);
      assertThat(jvm).hasSize(1);
      String uid = image.runConfig().getString("User").split(":")[0];
      assertThat(Files.readAllLines(Path.of("/proc", String.valueOf(jvm.get(0).pid()), "status")))
          .as("the JVM's real, effective, saved and file-system uid").contains("Uid:\t" + String.join("\t", uid, uid, uid, uid));
      jvm.forEach(ProcessHandle::destroy);
      assertThat(container.awaitExit(Duration.ofSeconds(30))).as("the container stopped on SIGTERM").isNotNull();
    } finally {
      // Whatever happened above, nothing of the container outlives the test: the JVM first (killing the wrapper alone
      // would leave it running), then the wrapper.
      jvm(container).forEach(ProcessHandle::destroyForcibly);
      container.close();
    }
  }

  @Test
  @DisplayName("where podman or a working docker is at hand, the loaded image serves GET /health/ready with 200 on its published port")
  void runsInAnEngine() throws IOException, InterruptedException {
    Optional<String> engine = engine();
    assumeTrue(engine.isPresent(), "no podman, and no docker with a daemon");
    command(engine.get(), "load", "-i", ImageTarball.built().toString());
    String id = command(engine.get(), "run", "-d", "-p", "127.0.0.1::8080", image.tags().get(0)).strip();
    try {
      String published = command(engine.get(), "port", id, "8080/tcp").lines().findFirst().orElseThrow().strip();
      int port = Integer.parseInt(published.substring(published.lastIndexOf(':') + 1));
      Await.condition("GET /health/ready answering 200", START, () -> {
        try {
          return ready(port) == 200;
        } catch (IOException e) {
          return false;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      });
    } finally {
      command(engine.get(), "rm", "-f", id);
    }
  }

  /** podman, or docker when its daemon answers. */
  private static Optional<String> engine() throws InterruptedException {
    for (String name : List.of("podman", "docker")) {
      try {
        command(name, "info");
        return Optional.of(name);
      } catch (IOException e) {
        // not installed, or no daemon behind the CLI
      }
    }
    return Optional.empty();
  }

  /** Runs a command to its end (within a minute) and returns its output; IOException if it fails. */
  private static String command(String... command) throws IOException, InterruptedException {
    ChildProcess.Finished finished;
    try {
      finished = ChildProcess.run(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD),
          Duration.ofSeconds(60));
    } catch (AssertionError e) {  // an engine that does not answer is one the test cannot use
      throw new IOException(e.getMessage());
    }
    if (finished.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + finished.exitValue());
    }
    return finished.output();
  }

  /** The image's JVM among the processes that run the container. */
  private static List<ProcessHandle> jvm(RunningJar container) {
    return container.handle().descendants()
        .filter(h -> h.info().command().orElse("").endsWith("/opt/java/bin/java")).toList();
  }

  /** GET /health/ready on the gateway's port. */
  private static int ready(int port) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
        .timeout(Duration.ofSeconds(10)).build();
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static Optional<Path> tool(String name) {
    return Stream.of(TOOLS, Path.of("/usr/bin"), Path.of("/sbin"), Path.of("/bin")).map(dir -> dir.resolve(name))
        .filter(Files::isExecutable).findFirst();
  }

  /** The JVM options switchboard.sh adds when the user gives none: every {@code jvm_opts="..."} of the script. */
  private static List<String> launcherDefaults() throws IOException {
    Matcher m = Pattern.compile("jvm_opts=\"(?:\\$jvm_opts )?([^\"$]+)\"").matcher(Files.readString(Path.of("..", "switchboard.sh")));
    List<String> options = new ArrayList<>();
    while (m.find()) {
      options.addAll(List.of(m.group(1).trim().split("\\s+")));
    }
    assertThat(options).as("jvm_opts in switchboard.sh").isNotEmpty();
    return options;
  }

  private static List<String> hazelcastOptions() throws IOException {
    return KubernetesManifestCheck.shellWords(Files.readString(Path.of("local-cluster.sh")), "hz_opens");
  }
}
