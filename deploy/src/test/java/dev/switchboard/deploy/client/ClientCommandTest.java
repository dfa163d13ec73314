package dev.switchboard.deploy.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.TestCertificates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
  /** A second bridge, with TLS and a token, on the same bus. */
  private static int secureBridge;
  private static TestCertificates certificates;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    certificates = TestCertificates.selfSigned(dir);
    String tls = "tls: {certPath: " + certificates.cert() + ", keyPath: " + certificates.key() + "}";
    Path yaml = dir.resolve("suite.yaml");
    Files.writeString(yaml, """
        instances: 1
        echo:
          listeners:
            - {name: raw, port: 0}
            - {name: length, port: 0, framing: length}
            - {name: secure, port: 0, %s}
        udp: {port: 0}
        gateway: {port: 0}
        bridge: {port: 0}
        """.formatted(tls));
    SwitchboardConfig config = ConfigLoader.load(yaml, new OverrideSource(Map.of(), Map.of(), Map.of()));
    vertx = Vertx.vertx();
    listeners = new dev.switchboard.deploy.AssemblyAccess(vertx, config, new SimpleMeterRegistry()).start();
    Path secure = dir.resolve("secure.yaml");
    Files.writeString(secure, """
        instances: 1
        roles: [bridge]
        bridge: {port: 0, token: s3cret, %s}
        """.formatted(tls));
    SwitchboardConfig secureConfig = ConfigLoader.load(secure, new OverrideSource(Map.of(), Map.of(), Map.of()));
    secureBridge = new dev.switchboard.deploy.AssemblyAccess(vertx, secureConfig, new SimpleMeterRegistry()).start()
        .get(0).port();
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
    return run(Map.of(), stdin, args);
  }

  private static Run run(Map<String, String> environment, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = ClientCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), environment);
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

  @Test
  @DisplayName("--help after each command prints that command's usage on stdout and exits 0")
  void help() {
    for (String command : List.of("echo", "udp", "bus")) {
      Run run = run("", command, "--help");
      assertThat(run.status()).as(command).isZero();
      assertThat(run.err()).isEmpty();
      assertThat(run.out()).startsWith("Usage:\n").contains("switchboard " + command + " ").contains("Exit status:");
      List.of("echo", "udp", "bus").stream().filter(other -> !other.equals(command))
          .forEach(other -> assertThat(run.out()).doesNotContain("switchboard " + other + " "));
    }
    assertThat(run("", "bus", "send", "-h").status()).isZero();
  }

  @Test
  @DisplayName("--opt=value is read like --opt value on every command; a flag given a value is refused")
  void equalsSign() {
    Run udp = run("", "udp", "127.0.0.1:" + port("udp", "udp"), "--data=ping", "--timeout=2000");
    assertThat(udp.status()).as(udp.err()).isZero();
    assertThat(udp.out()).isEqualTo("ping\n");
    Run echo = run("one\n", "echo", "127.0.0.1:" + port("echo", "length"), "--framing=length", "--connect-timeout=2000");
    assertThat(echo.status()).as(echo.err()).isZero();
    assertThat(echo.out()).isEqualTo("one\n");
    Run bus = run("", "bus", "send", "echo.request", "{\"b\":2}", "--bridge=127.0.0.1:" + port("bridge", "eventbus"));
    assertThat(bus.status()).as(bus.err()).isZero();
    assertThat(new JsonObject(bus.out().trim())).isEqualTo(new JsonObject().put("b", 2));
    Run flag = run("", "echo", "127.0.0.1:1", "--tls=yes");
    assertThat(flag.status()).isEqualTo(2);
    assertThat(flag.err()).startsWith("switchboard: --tls takes no value");
  }

  @Test
  @DisplayName("echo --tls checks the certificate: --cafile trusts it, --insecure skips the check, neither refuses a self-signed one")
  void echoTls() {
    String secure = "127.0.0.1:" + port("echo", "secure");
    Run trusted = run("over tls", "echo", secure, "--tls", "--cafile", certificates.cert().toString());
    assertThat(trusted.status()).as(trusted.err()).isZero();
    assertThat(trusted.out()).isEqualTo("over tls");
    Run insecure = run("unchecked", "echo", secure, "--tls", "--insecure");
    assertThat(insecure.status()).as(insecure.err()).isZero();
    assertThat(insecure.out()).isEqualTo("unchecked");
    Run untrusted = run("x", "echo", secure, "--tls");
    assertThat(untrusted.status()).isEqualTo(4);
    assertThat(untrusted.err()).startsWith("switchboard: cannot connect to " + secure + ": ");
    Run plain = run("x", "echo", secure, "--cafile", certificates.cert().toString());
    assertThat(plain.status()).isEqualTo(2);
    assertThat(plain.err()).startsWith("switchboard: --cafile needs --tls");
    Run missing = run("x", "echo", secure, "--tls", "--cafile", "/nonexistent.pem");
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).startsWith("switchboard: --cafile /nonexistent.pem: no such file");
  }

  @Test
  @DisplayName("echo --tls ends when stdin ends after the last answer has already been read (TLS cannot half-close)")
  void echoTlsLateEndOfInput() throws Exception {
    String secure = "127.0.0.1:" + port("echo", "secure");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // stdin ends only once the echo is on stdout: the reader has read all there is, and must notice the end by itself.
    InputStream stdin = new InputStream() {
      private final byte[] data = "late end".getBytes(StandardCharsets.UTF_8);
      private boolean given;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws InterruptedIOException {
        if (!given) {
          given = true;
          System.arraycopy(data, 0, buffer, offset, data.length);
          return data.length;
        }
        try {
          Await.condition("the echo on stdout", Duration.ofSeconds(10), () -> out.size() == data.length);
        } catch (InterruptedException e) {
          throw new InterruptedIOException();
        }
        return -1;
      }
    };
    CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> ClientCommand.run(
        new String[] {"echo", secure, "--tls", "--cafile", certificates.cert().toString()}, stdin,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()), Map.of()));
    assertThat(status.get(20, TimeUnit.SECONDS)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("late end");
  }

  @Test
  @DisplayName("bus --tls --token reaches a TLS bridge with a token; SWITCHBOARD_TOKEN serves too; without it the bridge refuses")
  void busTlsToken() {
    String bridge = "127.0.0.1:" + secureBridge;
    String ca = certificates.cert().toString();
    Run sent = run("", "bus", "send", "echo.request", "{\"t\":1}", "--bridge", bridge, "--tls", "--cafile", ca,
        "--token", "s3cret");
    assertThat(sent.status()).as(sent.err()).isZero();
    assertThat(new JsonObject(sent.out().trim())).isEqualTo(new JsonObject().put("t", 1));
    Run fromEnvironment = run(Map.of("SWITCHBOARD_TOKEN", "s3cret"), "", "bus", "publish", "echo.events", "{}",
        "--bridge=" + bridge, "--tls", "--insecure");
    assertThat(fromEnvironment.status()).as(fromEnvironment.err()).isEqualTo(5);
    assertThat(fromEnvironment.err()).as("past the token check, refused by the allow-lists")
        .startsWith("switchboard: refused by the bus: blocked by bridgeEvent handler");
    Run sentFromEnvironment = run(Map.of("SWITCHBOARD_TOKEN", "s3cret"), "", "bus", "send", "echo.request", "2",
        "--bridge=" + bridge, "--tls", "--insecure");
    assertThat(sentFromEnvironment.status()).as(sentFromEnvironment.err()).isZero();
    assertThat(sentFromEnvironment.out()).isEqualTo("2\n");
    Run noToken = run("", "bus", "send", "echo.request", "{}", "--bridge", bridge, "--tls", "--cafile", ca);
    assertThat(noToken.status()).isEqualTo(5);
    assertThat(noToken.err()).startsWith("switchboard: refused by the bus: invalid_token");
  }
}
