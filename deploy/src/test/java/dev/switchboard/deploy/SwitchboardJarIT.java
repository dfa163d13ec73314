package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.IntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The assembled jar, started and stopped as a separate process. */
@IntegrationTest
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SwitchboardJarIT {

  private static final Duration START = Duration.ofSeconds(30);
  private static final Map<String, String> FREE_PORTS = Map.of(
      "SWITCHBOARD_ECHO_LISTENERS_0_PORT", "0", "SWITCHBOARD_UDP_PORT", "0", "SWITCHBOARD_GATEWAY_PORT", "0",
      "SWITCHBOARD_BRIDGE_PORT", "0");

  @TempDir
  Path dir;

  @Test
  @DisplayName("with no arguments it logs one line per listener, echoes, and exits within 5 s of SIGTERM")
  void runsAndStopsOnSigterm() throws Exception {
    try (RunningJar jar = RunningJar.start(FREE_PORTS)) {
      Matcher echo = jar.awaitLine("echo listener raw \\(tcp\\) on 127\\.0\\.0\\.1:(\\d+)$", START);
      jar.awaitLine("udp listener udp \\(udp\\) on 127\\.0\\.0\\.1:\\d+$", START);
      jar.awaitLine("gateway listener http \\(http\\) on 127\\.0\\.0\\.1:\\d+$", START);
      jar.awaitLine("bridge listener eventbus \\(tcp\\) on 127\\.0\\.0\\.1:\\d+$", START);
      jar.awaitLine(" started$", START);

      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(echo.group(1)))) {
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(socket.getInputStream().readNBytes(6), StandardCharsets.US_ASCII)).isEqualTo("hello\n");

        // A client still connected must not hold the stop up.
        jar.terminate();
        Integer status = jar.awaitExit(Duration.ofSeconds(5));
        assertThat(status).as("exit status within 5 s of SIGTERM").isIn(0, 143);
        // A stop that only ends because shutdownTimeout (4 s) ran out is a failed stop, and says so in its log.
        List<String> rest = jar.remainingLines(Duration.ofSeconds(2));
        assertThat(rest).anyMatch(l -> l.endsWith(" stopped")).noneMatch(l -> l.contains("longer than shutdownTimeout"));
        InputStream in = socket.getInputStream();
        assertThat(in.read()).as("the server closed the connection").isEqualTo(-1);
      }
    }
  }

  @Test
  @DisplayName("--roles starts only the named services, and flags beat the environment")
  void rolesSubset() throws Exception {
    try (RunningJar jar = RunningJar.start(Map.of("SWITCHBOARD_ROLES", "gateway", "SWITCHBOARD_UDP_PORT", "0"),
        "--roles", "udp", "--instances", "1")) {
      jar.awaitLine("roles \\[UDP\\], 1 instance", START);
      jar.awaitLine("udp listener udp \\(udp\\) on 127\\.0\\.0\\.1:\\d+$", START);
      jar.awaitLine(" started$", START);
      jar.terminate();
      assertThat(jar.awaitExit(Duration.ofSeconds(5))).isIn(0, 143);
      assertThat(jar.remainingLines(Duration.ofSeconds(2))).noneMatch(l -> l.contains("echo listener") || l.contains("gateway listener"));
    }
  }

  @Test
  @DisplayName("a second start on a port already in use fails with one line naming the port and the service")
  void portInUse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
         RunningJar jar = RunningJar.start(Map.of("SWITCHBOARD_GATEWAY_PORT", String.valueOf(taken.getLocalPort()),
             "SWITCHBOARD_ECHO_LISTENERS_0_PORT", "0", "SWITCHBOARD_UDP_PORT", "0", "SWITCHBOARD_BRIDGE_PORT", "0"))) {
      jar.awaitLine("ERROR .*start-up failed: gateway listener http cannot listen on 127\\.0\\.0\\.1:" + taken.getLocalPort()
          + ": address already in use", START);
      assertThat(jar.awaitExit(Duration.ofSeconds(10))).isEqualTo(Main.EXIT_START_FAILED);
    }
  }

  @Test
  @DisplayName("a UDP port another process holds, even with SO_REUSEPORT, fails start-up with one line naming the port")
  void udpPortInUse() throws Exception {
    try (DatagramChannel taken = DatagramChannel.open()) {
      // As a second Switchboard would hold it: without the probe, both would bind and split the datagrams.
      taken.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
      try (RunningJar jar = RunningJar.start(Map.of("SWITCHBOARD_UDP_PORT", String.valueOf(port),
          "SWITCHBOARD_ECHO_LISTENERS_0_PORT", "0", "SWITCHBOARD_GATEWAY_PORT", "0", "SWITCHBOARD_BRIDGE_PORT", "0"))) {
        jar.awaitLine("ERROR .*start-up failed: udp listener udp cannot listen on 127\\.0\\.0\\.1:" + port
            + ": address already in use", START);
        assertThat(jar.awaitExit(Duration.ofSeconds(10))).isEqualTo(Main.EXIT_START_FAILED);
        assertThat(jar.remainingLines(Duration.ofSeconds(2))).noneMatch(l -> l.endsWith(" started"));
      }
    }
  }

  @Test
  @DisplayName("a bad configuration stops start-up with exit status 2 and one line naming the key")
  void badConfiguration() throws Exception {
    Path yaml = dir.resolve("bad.yaml");
    Files.writeString(yaml, "gateway:\n  port: 70000\n");
    try (RunningJar jar = RunningJar.start(Map.of(), "--config", yaml.toString())) {
      assertThat(jar.awaitExit(Duration.ofSeconds(20))).isEqualTo(Main.EXIT_USAGE);
      assertThat(jar.remainingLines(Duration.ofSeconds(2)))
          .containsExactly("switchboard: config key gateway.port = 70000 (from " + yaml + "): must be between 0 and 65535");
    }
  }

  @Test
  @DisplayName("--version and --help print and exit 0; an unknown option exits 2")
  void versionAndHelp() throws Exception {
    try (RunningJar jar = RunningJar.start(Map.of(), "--version")) {
      assertThat(jar.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(jar.remainingLines(Duration.ofSeconds(2))).containsExactly("switchboard " + Main.version());
    }
    try (RunningJar jar = RunningJar.start(Map.of(), "--help")) {
      assertThat(jar.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(jar.remainingLines(Duration.ofSeconds(2))).contains("Usage: java -jar switchboard.jar [options]");
    }
    try (RunningJar jar = RunningJar.start(Map.of(), "--colour")) {
      assertThat(jar.awaitExit(Duration.ofSeconds(20))).isEqualTo(Main.EXIT_USAGE);
      assertThat(jar.remainingLines(Duration.ofSeconds(2))).first().isEqualTo("switchboard: unknown option --colour");
    }
  }

  @Test
  @DisplayName("--log-level warn leaves out the INFO lines of a start; the WARN and ERROR lines remain")
  void logLevel() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
         RunningJar jar = RunningJar.start(Map.of("SWITCHBOARD_GATEWAY_PORT", String.valueOf(taken.getLocalPort())),
             "--roles=gateway", "--log-level=warn")) {
      jar.awaitLine("ERROR .*start-up failed: gateway listener http cannot listen", START);
      assertThat(jar.awaitExit(Duration.ofSeconds(10))).isEqualTo(Main.EXIT_START_FAILED);
      assertThat(jar.remainingLines(Duration.ofSeconds(2))).noneMatch(l -> l.contains(" INFO "));
    }
    try (RunningJar jar = RunningJar.start(Map.of("SWITCHBOARD_GATEWAY_PORT", "0"), "--roles=gateway", "--log-level=info")) {
      jar.awaitLine(" INFO .*switchboard .* starting", START);
      jar.terminate();
      assertThat(jar.awaitExit(Duration.ofSeconds(10))).isIn(0, 143);
    }
  }

  @Test
  @DisplayName("--check-config prints every key with its value and origin and exits 0, starting nothing; an invalid one exits 2")
  void checkConfig() throws Exception {
    Path yaml = dir.resolve("check.yaml");
    Files.writeString(yaml, "gateway:\n  port: 9999\n");
    try (RunningJar jar = RunningJar.start(Map.of("SWITCHBOARD_BRIDGE_TOKEN", "s3cret", "SWITCHBOARD_UDP_PORT", "7001"),
        "--config=" + yaml, "--roles=gateway,udp", "--check-config")) {
      assertThat(jar.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(jar.remainingLines(Duration.ofSeconds(2)))
          .contains("gateway.port = 9999  (file " + yaml + ")")
          .contains("udp.port = 7001  (environment variable SWITCHBOARD_UDP_PORT)")
          .contains("roles = gateway,udp  (command-line flag)")
          .contains("gateway.upstreamTimeout = 30s  (default)")
          .contains("gateway.tls.certPath = \"\"  (default)")
          .contains("bridge.token = (set, not shown)  (environment variable SWITCHBOARD_BRIDGE_TOKEN)")
          .contains("switchboard: configuration OK")
          .noneMatch(l -> l.contains("s3cret") || l.contains(" listener ") || l.endsWith(" started"));
    }
    Files.writeString(yaml, "gateway:\n  port: 70000\n");
    try (RunningJar jar = RunningJar.start(Map.of(), "--config", yaml.toString(), "--check-config")) {
      assertThat(jar.awaitExit(Duration.ofSeconds(20))).isEqualTo(Main.EXIT_USAGE);
      assertThat(jar.remainingLines(Duration.ofSeconds(2)))
          .containsExactly("switchboard: config key gateway.port = 70000 (from " + yaml + "): must be between 0 and 65535");
    }
  }

  @Test
  @DisplayName("SIGHUP adds a route while a keep-alive connection stays open; an invalid file or a port change is refused and the routes stay")
  void reloadOnSighup() throws Exception {
    Path yaml = dir.resolve("reload.yaml");
    String base = "gateway:\n  port: 0\n  routes:\n    - prefix: /old\n      address: wsgi.hello\n";
    Files.writeString(yaml, base);
    try (RunningJar jar = RunningJar.start(Map.of(), "--config", yaml.toString(), "--roles", "gateway", "--instances", "2")) {
      int port = Integer.parseInt(jar.awaitLine("gateway listener http \\(http\\) on 127\\.0\\.0\\.1:(\\d+)$", START).group(1));
      jar.awaitLine(" started$", START);
      try (Socket keptAlive = new Socket(InetAddress.getLoopbackAddress(), port)) {
        keptAlive.setSoTimeout(5000);
        assertThat(statusOf(keptAlive, "/old")).isEqualTo(200);
        assertThat(statusOf(keptAlive, "/new")).isEqualTo(404);

        Files.writeString(yaml, base + "    - prefix: /new\n      address: wsgi.hello\n");
        jar.hangUp();
        jar.awaitLine("INFO .*reloaded: gateway\\.routes\\.1\\.", START);
        assertThat(statusOf(keptAlive, "/new")).as("the new route, on the connection opened before").isEqualTo(200);
        assertThat(statusOf(keptAlive, "/old")).isEqualTo(200);

        Files.writeString(yaml, "gateway:\n  port: 0\n  routes:\n    - prefix: nope\n");
        jar.hangUp();
        jar.awaitLine("WARN .*reload refused, the running configuration stays: config key gateway\\.routes\\.0\\.prefix", START);
        Files.writeString(yaml, "gateway:\n  port: 1\n");
        jar.hangUp();
        jar.awaitLine("WARN .*reload refused, the running configuration stays: gateway\\.port cannot change without a restart",
            START);
        assertThat(statusOf(keptAlive, "/new")).isEqualTo(200);
        assertThat(statusOf(keptAlive, "/old")).isEqualTo(200);
      }
      jar.terminate();
      assertThat(jar.awaitExit(Duration.ofSeconds(10))).isIn(0, 143);
    }
  }

  /** One GET on a kept-alive HTTP/1.1 connection; the status, with the body read past by its Content-Length. */
  private static int statusOf(Socket socket, String path) throws IOException {
    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed; got " + head);
      }
      head.append((char) b);
    }
    Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    if (length.find()) {
      in.readNBytes(Integer.parseInt(length.group(1)));
    }
    return Integer.parseInt(head.substring(9, 12));
  }

  @Test
  @DisplayName("the example configuration with every key is valid and starts the suite")
  void exampleConfig() throws Exception {
    Path example = Path.of("config", "switchboard.yaml").toAbsolutePath();
    try (RunningJar jar = RunningJar.start(FREE_PORTS, "--config", example.toString())) {
      jar.awaitLine(" started$", START);
      jar.terminate();
      assertThat(jar.awaitExit(Duration.ofSeconds(5))).isIn(0, 143);
    }
  }

  @Test
  @DisplayName("the framing example starts one echo listener per framing, and each echoes in its own framing")
  void framingExample() throws Exception {
    Path example = Path.of("config", "echo-framings.yaml").toAbsolutePath();
    Map<String, String> freePorts = new java.util.HashMap<>(Map.of("SWITCHBOARD_BRIDGE_PORT", "0"));
    for (int i = 0; i < 5; i++) {
      freePorts.put("SWITCHBOARD_ECHO_LISTENERS_" + i + "_PORT", "0");
    }
    try (RunningJar jar = RunningJar.start(freePorts, "--config", example.toString())) {
      Map<String, Integer> ports = new java.util.HashMap<>();
      for (int i = 0; i < 5; i++) {
        Matcher m = jar.awaitLine("echo listener ([a-z-]+) \\(tcp\\) on 127\\.0\\.0\\.1:(\\d+)$", START);
        ports.put(m.group(1), Integer.parseInt(m.group(2)));
      }
      assertThat(ports).containsOnlyKeys("raw", "line", "length", "length-ascii", "fixed");
      assertThat(halfCloseExchange(ports.get("line"), "one\ntwo\npartial")).isEqualTo("one\ntwo\npartial");
      assertThat(halfCloseExchange(ports.get("length-ascii"), "00005hello")).isEqualTo("00005hello");
      assertThat(halfCloseExchange(ports.get("fixed"), "abcdefghij")).isEqualTo("abcdefghij");
      jar.terminate();
      assertThat(jar.awaitExit(Duration.ofSeconds(5))).isIn(0, 143);
    }
  }

  /** Sends, half-closes as {@code nc -N} does, and reads until the server closes. */
  private static String halfCloseExchange(int port, String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.shutdownOutput();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }
}
