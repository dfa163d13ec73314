package dev.switchboard.deploy.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.counters.SwitchboardCounters;
import dev.switchboard.listen.BoundListener;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client commands against a running suite. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientCommandTest {

  private static Vertx vertx;
  private static List<BoundListener> listeners;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("suite.yaml");
    Files.writeString(yaml, """
        instances: 1
        echo:
          listeners:
            - {name: raw, port: 0}
            - {name: length, port: 0, framing: length}
        udp: {port: 0}
        gateway: {port: 0}
        bridge: {port: 0}
        """);
    SwitchboardConfig config = ConfigLoader.load(yaml, new OverrideSource(Map.of(), Map.of(), Map.of()));
    vertx = Vertx.vertx();
    listeners = new dev.switchboard.deploy.AssemblyAccess(vertx, config, new SwitchboardCounters()).start();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static int port(String service, String name) {
    return listeners.stream().filter(l -> l.service().equals(service) && l.name().equals(name)).findFirst().orElseThrow().port();
  }

  private record Run(int status, String out, String err) {
  }

  private static Run run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = ClientCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("echo: stdin comes back on stdout; the end of stdin half-closes and the command ends with the server")
  void echoRaw() {
    Run run = run("hello\nworld", "echo", "127.0.0.1:" + port("echo", "raw"));
    assertThat(run.status()).isZero();
    assertThat(run.out()).isEqualTo("hello\nworld");
  }

  @Test
  @DisplayName("echo --framing length: each stdin line a frame, each answer a line; a name resolving to ::1 and 127.0.0.1 is tried address by address")
  void echoLengthFraming() {
    Run run = run("one\ntwo\n", "echo", "localhost:" + port("echo", "length"), "--framing", "length",
        "--source", "127.0.0.1");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("one\ntwo\n");
  }

  @Test
  @DisplayName("udp: one datagram out, its answer printed; silence is exit 3")
  void udp() throws Exception {
    Run run = run("", "udp", "127.0.0.1:" + port("udp", "udp"), "--data", "ping");
    assertThat(run.status()).isZero();
    assertThat(run.out()).isEqualTo("ping\n");
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      Run none = run("", "udp", "127.0.0.1:" + silent.getLocalPort(), "--data", "x", "--timeout", "200");
      assertThat(none.status()).isEqualTo(3);
      assertThat(none.err()).isEqualTo("switchboard: no answer from 127.0.0.1:" + silent.getLocalPort() + " within 200 ms\n");
    }
  }

  @Test
  @DisplayName("bus send prints the reply; an address outside the bridge's lists is exit 5 with the bridge's reason")
  void bus() {
    String bridge = "127.0.0.1:" + port("bridge", "eventbus");
    Run sent = run("", "bus", "send", "echo.request", "{\"a\":1}", "--bridge", bridge);
    assertThat(sent.status()).as(sent.err()).isZero();
    assertThat(new JsonObject(sent.out().trim())).isEqualTo(new JsonObject().put("a", 1));
    Run refused = run("", "bus", "publish", "echo.request", "{}", "--bridge", bridge);
    assertThat(refused.status()).isEqualTo(5);
    assertThat(refused.err()).startsWith("switchboard: refused by the bus: blocked by bridgeEvent handler");
  }

  @Test
  @DisplayName("a refused connection is exit 4 with a plain reason; bad arguments are exit 2 with the usage")
  void errors() throws Exception {
    int closed;
    try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      closed = probe.getLocalPort();
    }
    Run refused = run("x", "echo", "127.0.0.1:" + closed);
    assertThat(refused.status()).isEqualTo(4);
    assertThat(refused.err()).isEqualTo("switchboard: cannot connect to 127.0.0.1:" + closed + ": connection refused\n");
    assertThat(run("", "echo").status()).isEqualTo(2);
    Run badPort = run("", "echo", "127.0.0.1:http");
    assertThat(badPort.status()).isEqualTo(2);
    assertThat(badPort.err()).startsWith("switchboard: bad port in 127.0.0.1:http").contains("Usage:");
    assertThat(run("", "echo", "127.0.0.1:1", "--framing", "xml").status()).isEqualTo(2);
    assertThat(run("", "bus", "send", "echo.request", "{not json").status()).isEqualTo(2);
  }
}
