package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The bridge over TLS, from the Python client with an {@code ssl_context}, in a separate process. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BridgeTlsTest {

  private static final Path PYTHON_CLIENT = Path.of("..", "clients", "python").toAbsolutePath().normalize();

  @TempDir
  Path dir;

  @Test
  @DisplayName("over TLS, the Python client's requests (with the token) are answered and a frame over the limit is still refused")
  void pythonClientOverTls(Vertx vertx) throws Exception {
    TestCertificates certs = TestCertificates.selfSigned(dir);
    RunningBridge bridge = RunningBridge.start(vertx, "tls.certPath", certs.cert().toString(),
        "tls.keyPath", certs.key().toString(), "maxFrameBytes", "1024", "token", "s3cret");
    vertx.eventBus().consumer("echo.request", m -> m.reply(m.body())).completion().await(5, TimeUnit.SECONDS);
    String script = """
        import json, socket, ssl, struct, sys
        from switchboard.bus import BusClient
        context = ssl.create_default_context(cafile=sys.argv[2])
        bus = BusClient("127.0.0.1", int(sys.argv[1]), token="s3cret", ssl_context=context).connect()
        print("reply", json.dumps(bus.request("echo.request", {"hi": 1}, timeout=10)))
        print("big", len(bus.request("echo.request", "x" * 800, timeout=10)))
        bus.close()
        # A declared length over maxFrameBytes, read from the decrypted stream: an error frame, then the close.
        raw = context.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10),
                                  server_hostname="127.0.0.1")
        raw.sendall(struct.pack(">I", 1025))
        def read(n):
            data = b""
            while len(data) < n:
                chunk = raw.recv(n - len(data))
                if not chunk:
                    raise ConnectionError("closed after %d bytes" % len(data))
                data += chunk
            return data
        (length,) = struct.unpack(">I", read(4))
        print("refused", read(length).decode())
        """;
    Path out = dir.resolve("python.out");
    Process python = new ProcessBuilder("python3", "-c", script, String.valueOf(bridge.port()), certs.cert().toString())
        .directory(PYTHON_CLIENT.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    boolean exited = python.waitFor(30, TimeUnit.SECONDS);
    if (!exited) {
      python.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(exited).as(output).isTrue();
    assertThat(python.exitValue()).as(output).isZero();
    assertThat(output).contains("reply {\"hi\": 1}").contains("big 800")
        .contains("refused " + new JsonObject().put("type", "err").put("message", "frame of 1025 bytes over the limit of 1024").encode());
  }
}
