package dev.switchboard.echo;

import static dev.switchboard.echo.RunningEcho.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.bus.CloseReason;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.ChildProcess;
import dev.switchboard.testing.TestCertificates;
import dev.switchboard.bus.EchoBus;
import dev.switchboard.listen.BoundListener;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoTransportTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  @Test
  @DisplayName("TLS: a listener with a PEM certificate made at test time echoes over TLS to a client that trusts it")
  void tls(Vertx vertx) throws Exception {
    TestCertificates certificates = TestCertificates.selfSigned(dir);
    Path cert = certificates.cert();
    Path key = certificates.key();

    RunningEcho echo = RunningEcho.start(vertx,
        listener("name", "secure", "tls.certPath", cert.toString(), "tls.keyPath", key.toString()));
    assertThat(echo.listeners().get(0).transport()).isEqualTo("tls");

    NetClient client = vertx.createNetClient(new NetClientOptions().setSsl(true)
        .setHostnameVerificationAlgorithm("HTTPS")
        .setTrustOptions(new PemTrustOptions().addCertPath(cert.toString())));
    NetSocket socket = client.connect(echo.port(), "localhost").await(10, TimeUnit.SECONDS);
    assertThat(socket.isSsl()).isTrue();
    CompletableFuture<String> reply = new CompletableFuture<>();
    Buffer received = Buffer.buffer();
    socket.handler(data -> {
      received.appendBuffer(data);
      if (received.length() == 12) {
        reply.complete(received.toString());
      }
    });
    socket.write("secret hello");
    assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("secret hello");
    socket.close().await(10, TimeUnit.SECONDS);

    // A client that does not trust the certificate cannot talk to it.
    NetClient untrusting = vertx.createNetClient(new NetClientOptions().setSsl(true));
    assertThat(untrusting.connect(echo.port(), "localhost").toCompletionStage().toCompletableFuture()
        .handle((s, error) -> error).get(10, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  @DisplayName("TLS: a client that speaks plaintext gets nothing back and is closed; the failed handshake is counted")
  void tlsPlaintextClient(Vertx vertx) throws Exception {
    TestCertificates certificates = TestCertificates.selfSigned(dir);
    RunningEcho echo = RunningEcho.start(vertx, listener("name", "secure",
        "tls.certPath", certificates.cert().toString(), "tls.keyPath", certificates.key().toString()));
    try (BlockingClient client = new BlockingClient(echo.port())) {
      client.send("hello in the clear\n");
      assertThat(client.readToEnd()).isEmpty();
    }
    Await.condition("the failed handshake to be counted", WAIT, () -> echo.meters("secure").tlsHandshakeFailures() == 1);
    assertThat(echo.meters("secure").accepted()).isZero();
  }

  @Test
  @DisplayName("IPv6 loopback: a listener on ::1 echoes to an IPv6 client and logs its address in brackets")
  void ipv6Loopback(Vertx vertx) throws Exception {
    assumeTrue(hasIpv6Loopback(), "this machine has no ::1");
    RunningEcho echo = RunningEcho.start(vertx, listener("host", "::1"));
    BoundListener bound = echo.listeners().get(0);
    assertThat(bound.address()).isEqualTo("[::1]:" + bound.port());
    try (BlockingClient client = new BlockingClient(InetAddress.getByName("::1"), bound.port())) {
      client.send("over six");
      assertThat(client.read(8)).isEqualTo("over six");
    }
    assertThat(echo.nextClose(WAIT).remote()).startsWith("[0:0:0:0:0:0:0:1]:");
  }

  private static boolean hasIpv6Loopback() throws IOException {
    NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    return lo != null && lo.inetAddresses().anyMatch(a -> a instanceof Inet6Address);
  }

  @Test
  @DisplayName("Unix domain socket (native transport, as the jar runs): echoes and half-closes, with the JDK's Unix socket client")
  void unixDomainSocket() throws Exception {
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    try {
      assumeTrue(vertx.isNativeTransportEnabled(), "no native transport on this platform");
      unixDomainSocketEcho(vertx);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private void unixDomainSocketEcho(Vertx vertx) throws Exception {
    Path path = dir.resolve("echo.sock");
    RunningEcho echo = RunningEcho.start(vertx, listener("unixSocket", path.toString(), "framing", "line"));
    assertThat(echo.listeners().get(0).transport()).isEqualTo("unix");
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(path));
      channel.write(ByteBuffer.wrap("local\n".getBytes(StandardCharsets.US_ASCII)));
      channel.shutdownOutput();
      ByteBuffer reply = ByteBuffer.allocate(64);
      while (channel.read(reply) >= 0) {
        // read until the server closes
      }
      assertThat(new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII)).isEqualTo("local\n");
    }
    assertThat(echo.nextClose(WAIT).reason()).isEqualTo(CloseReason.EOF);
  }

  @Test
  @DisplayName("echo.request: any bus client gets its message body back, text or JSON")
  void busRequest(Vertx vertx) throws Exception {
    RunningEcho.start(vertx, listener());
    assertThat(vertx.eventBus().request(EchoBus.REQUEST, "ping").await(10, TimeUnit.SECONDS).body()).isEqualTo("ping");
    JsonObject json = new JsonObject().put("n", 1).put("list", List.of("a", "b"));
    assertThat(vertx.eventBus().request(EchoBus.REQUEST, json).await(10, TimeUnit.SECONDS).body()).isEqualTo(json);
  }

  @Test
  @DisplayName("the classic blocking Python client (create_connection, sendall, shutdown, recv loop) gets every byte back")
  void pythonClassicClient(Vertx vertx) throws Exception {
    RunningEcho echo = RunningEcho.start(vertx, listener());
    String script = """
        import hashlib, socket, sys
        data = bytes((i * 7 + i // 256) % 256 for i in range(300_000))
        with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as s:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            chunks = []
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                chunks.append(chunk)
        back = b"".join(chunks)
        print(len(back), back == data)
        """;
    ChildProcess.Finished python = ChildProcess.run(Duration.ofSeconds(30), "python3", "-c", script,
        String.valueOf(echo.port()));
    assertThat(python.output().trim()).isEqualTo("300000 True");
    assertThat(python.exitValue()).isZero();
    assertThat(echo.nextClose(WAIT).reason()).isEqualTo(CloseReason.EOF);
  }

  @Test
  @DisplayName("SO_REUSEPORT: two separate servers bind one port and the kernel spreads connections over both")
  void reusePort() throws Exception {
    Vertx first = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    Vertx second = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    try {
      RunningEcho one = RunningEcho.start(first, listener("reusePort", "true"));
      RunningEcho two = RunningEcho.start(second, listener("reusePort", "true", "port", String.valueOf(one.port())));
      assertThat(two.port()).isEqualTo(one.port());
      for (int i = 0; i < 32; i++) {
        try (BlockingClient client = new BlockingClient(one.port())) {
          client.send("x");
          assertThat(client.read(1)).isEqualTo("x");
        }
      }
      Await.condition("32 closes", WAIT,
          () -> one.meters("raw").closed(CloseReason.EOF) + two.meters("raw").closed(CloseReason.EOF) == 32);
      // 32 connections all hashed to one socket would happen once in 2^31 runs.
      assertThat(one.meters("raw").closed(CloseReason.EOF)).isPositive();
      assertThat(two.meters("raw").closed(CloseReason.EOF)).isPositive();
    } finally {
      first.close().await(10, TimeUnit.SECONDS);
      second.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("several listeners run side by side, each with its own framing and counters")
  void severalListeners(Vertx vertx) throws Exception {
    RunningEcho echo = RunningEcho.start(vertx, listener(), listener("framing", "line", "maxFrameBytes", "4"));
    assertThat(echo.listeners()).extracting(BoundListener::name).containsExactlyInAnyOrder("raw", "line");
    int linePort = echo.listeners().stream().filter(l -> l.name().equals("line")).findFirst().orElseThrow().port();
    int rawPort = echo.listeners().stream().filter(l -> l.name().equals("raw")).findFirst().orElseThrow().port();
    try (BlockingClient raw = new BlockingClient(rawPort); BlockingClient line = new BlockingClient(linePort)) {
      raw.send("toolong\n");
      assertThat(raw.read(8)).isEqualTo("toolong\n");
      line.send("toolong\n");
      assertThat(line.readToEnd()).isEqualTo("ERR frame too long (limit 4)\n");
    }
    Await.condition("both closes to be counted", WAIT,
        () -> echo.meters("line").open() == 0 && echo.meters("raw").open() == 0);
    assertThat(echo.meters("line").closed(CloseReason.FRAME_TOO_LONG)).isEqualTo(1);
    assertThat(echo.meters("raw").closed(CloseReason.FRAME_TOO_LONG)).isZero();
  }

}
