package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.switchboard.gateway.http.AccessLog;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.ChildProcess;
import dev.switchboard.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Requests an attacker sends (smuggling, broken framing, bad versions, hosts and targets, dot segments, oversized
 * heads): each gets a status line of ours, a one-line reason, and a closed connection, and nothing is logged at ERROR.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileRequestsTest {

  @TempDir
  Path dir;

  private LogCapture lines;

  @BeforeEach
  void capture() {
    lines = LogCapture.all();
  }

  @AfterEach
  void noErrors() {
    lines.close();
    assertThat(lines.events()).filteredOn(line -> line.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }

  /** Sends the bytes and reads everything until the server closes (a reset counts as the end too). */
  private static String exchange(int port, byte[] request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) > 0; ) {
          got.write(buffer, 0, n);
        }
      } catch (SocketException reset) {
        got.write("<reset>".getBytes(StandardCharsets.US_ASCII));
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static String exchange(int port, String request) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The JSON body of a raw exchange. */
  private static JsonObject jsonBody(String response) {
    return new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4));
  }

  private static int responses(String text) {
    return text.split("HTTP/1\\.[01] \\d{3}", -1).length - 1;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Content-Length with chunked | POST /apps/hello/ HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\nGET /apps/hello/ HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n",
      "chunked not last | POST /apps/hello/ HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked, identity\\r\\n\\r\\n0\\r\\n\\r\\nGET /apps/hello/ HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n",
      "Transfer-Encoding in HTTP/1.0 | POST /apps/hello/ HTTP/1.0\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\nGET /apps/hello/ HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n",
      "obs-fold | GET /apps/hello/ HTTP/1.1\\r\\nHost: x\\r\\nX-Folded: a\\r\\n b\\r\\n\\r\\nGET /apps/hello/ HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n",
      "chunk size past 2^32 | POST /apps/hello/ HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n100000005\\r\\nGET /apps/hello/ HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n0\\r\\n\\r\\n",
      "chunk size not hex | POST /apps/hello/ HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\nabc\\r\\n0\\r\\n\\r\\n",
      "chunk size with 0x | POST /apps/hello/ HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0x5\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      "percent-escape in Host | GET /apps/hello/ HTTP/1.1\\r\\nHost: a%41\\r\\n\\r\\n",
      "two Hosts | GET /apps/hello/ HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n",
      "HTTP/1.1 without Host | GET /apps/hello/ HTTP/1.1\\r\\n\\r\\n",
      "asterisk for GET | GET * HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n",
      "relative target | GET apps/hello/ HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n",
      "path above the root | GET /apps/hello/../../../etc HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n",
      "encoded dots above the root | GET /%2e%2e/%2E%2E/x HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n",
      "encoded slashes | GET /apps/echo/..%2f..%2fhealth HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n",
      "garbled version | GET /apps/hello/ HTT\u00c9/1.1\\r\\nHost: x\\r\\n\\r\\n",
  })
  @DisplayName("a request that is malformed or ambiguous gets one HTTP/1.1 400 with a reason, and the connection closes")
  void refused(String name, String request, Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    String response = exchange(gateway.port(), request.replace("\\r\\n", "\r\n"));
    assertThat(response).as(name).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("\r\nX-Request-Id: ")
        .containsIgnoringCase("\r\nConnection: close\r\n").doesNotContain("<reset>");
    assertThat(responses(response)).as("no second request was answered").isEqualTo(1);
    assertThat(response.substring(response.indexOf("\r\n\r\n") + 4)).as(name).matches("[a-zA-Z0-9 ,./()*^-]+\n");
  }

  @Test
  @DisplayName("another major version is 505, in HTTP/1.1, not the client's version; a higher minor version is HTTP/1.1")
  void unsupportedVersion(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    String response = exchange(gateway.port(), "GET /apps/hello/ HTTP/2.0\r\nHost: x\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 505 HTTP Version Not Supported\r\n")
        .endsWith("HTTP version HTTP/2.0 is not supported\n");
    // RFC 9110 §2.5: a higher minor version is read as the highest one spoken.
    assertThat(exchange(gateway.port(), "GET /apps/hello/ HTTP/1.8\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 200 ").endsWith("Hello, world!");
  }

  @Test
  @DisplayName("OPTIONS * and an absolute-form target are served")
  void validTargetForms(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    assertThat(exchange(gateway.port(), "GET http://x/apps/hello/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 200 ").endsWith("Hello, world!");
    assertThat(exchange(gateway.port(), "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 204 ").contains("\r\nAllow: GET, HEAD, POST");
  }

  @Test
  @DisplayName("dot segments, plain or percent-encoded, are resolved before routing: the route and PATH_INFO see the result")
  void dotSegments(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    String viaHello = exchange(gateway.port(),
        "GET /apps/hello/../echo/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(viaHello).startsWith("HTTP/1.1 200 ");
    JsonObject echoed = jsonBody(viaHello);
    assertThat(echoed.getJsonObject("environ").getString("SCRIPT_NAME")).isEqualTo("/apps/echo");
    assertThat(echoed.getJsonObject("environ").getString("PATH_INFO")).isEqualTo("/x");

    String encoded = exchange(gateway.port(),
        "GET /apps/echo/a/b/%2e%2e/%2E%2e/c/./d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    JsonObject environ = jsonBody(encoded).getJsonObject("environ");
    assertThat(environ.getString("PATH_INFO")).isEqualTo("/c/d");
  }

  /** Runs curl over h2c (prior knowledge) with the path exactly as given; returns status and body. */
  private static String h2(int port, String path, String... headers) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("curl", "-sS", "--http2-prior-knowledge",
        "--path-as-is", "-w", " %{http_code} %{http_version}"));
    for (String header : headers) {
      command.add("-H");
      command.add(header);
    }
    command.add("http://127.0.0.1:" + port + path);
    return ChildProcess.run(new ProcessBuilder(command), Duration.ofSeconds(30)).output();
  }

  @Test
  @DisplayName("HTTP/2 paths are normalised the same way: dot segments resolved, a climb above the root is 400; a bad authority ends the connection")
  void dotSegmentsOverHttp2(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "limits: {h2c: true}\n");
    String viaHello = h2(gateway.port(), "/apps/hello/%2e%2e/echo/x");
    assertThat(viaHello).endsWith(" 200 2");
    JsonObject environ = new JsonObject(viaHello.substring(0, viaHello.lastIndexOf(" 200 2"))).getJsonObject("environ");
    assertThat(environ.getString("SCRIPT_NAME")).isEqualTo("/apps/echo");
    assertThat(environ.getString("PATH_INFO")).isEqualTo("/x");
    assertThat(h2(gateway.port(), "/apps/../../x")).isEqualTo("request path climbs above the root\n 400 2");
    // An :authority Vert.x cannot parse ends the HTTP/2 connection at once (Netty's connection error), with nothing
    // logged: no answer, but no hang either.
    assertThat(h2(gateway.port(), "/apps/hello/", "Host: a%41")).endsWith(" 000 0");
    assertThat(h2(gateway.port(), "/apps/hello/")).isEqualTo("Hello, world! 200 2");
  }

  @Test
  @DisplayName("with h2c on, HTTP/1.1 is screened too (after Vert.x's own decoder), from the first request on, and a body still arrives whole")
  void http1OnAnH2cGateway(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "limits: {h2c: true}\n");
    String posted = exchange(gateway.port(), "POST /apps/echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        + "Connection: close\r\n\r\nhello");
    assertThat(posted).startsWith("HTTP/1.1 200 ");
    assertThat(jsonBody(posted).getString("body")).isEqualTo("aGVsbG8=");
    String dots = exchange(gateway.port(), "GET /apps/hello/../echo/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(jsonBody(dots).getJsonObject("environ").getString("PATH_INFO"))
        .isEqualTo("/x");
    String badHost = exchange(gateway.port(), "GET /apps/hello/ HTTP/1.1\r\nHost: a%41\r\n\r\n"
        + "GET /apps/hello/ HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(badHost).startsWith("HTTP/1.1 400 ").endsWith("\r\n\r\ninvalid Host header\n");
    assertThat(exchange(gateway.port(), "GET /apps/hello/ HTTP/1.01\r\nHost: x\r\n\r\n"))
        .startsWith("HTTP/1.1 400 ").endsWith("\r\n\r\nmalformed protocol version\n");
    assertThat(exchange(gateway.port(), "POST /apps/hello/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))
        .startsWith("HTTP/1.1 400 ").endsWith("\r\n\r\nmalformed chunked request body\n");
  }

  @Test
  @DisplayName("414 and 431 are like every other error: request id, a reason line, an access-log line")
  void oversizedHeads(Vertx vertx) throws Exception {
    try (LogCapture accessLines = LogCapture.of(AccessLog.LOGGER)) {
      RunningGateway gateway = RunningGateway.start(vertx, dir, "accessLog: common\n");
      String longLine = exchange(gateway.port(), "GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(longLine).startsWith("HTTP/1.1 414 ").contains("\r\nX-Request-Id: ")
          .endsWith("\r\n\r\nrequest line over 4096 bytes\n");
      String bigHeaders = exchange(gateway.port(), "GET /apps/hello/ HTTP/1.1\r\nHost: x\r\nX-Request-Id: big-1\r\n"
          + "X-Big: " + "b".repeat(9000) + "\r\n\r\n");
      assertThat(bigHeaders).startsWith("HTTP/1.1 431 ").endsWith("\r\n\r\nrequest headers over 8192 bytes\n");
      Await.condition("two access lines", Duration.ofSeconds(5), () -> accessLines.events().size() == 2);
      assertThat(accessLines.events().get(0).getFormattedMessage()).contains(" 414 ");
      assertThat(accessLines.events().get(1).getFormattedMessage()).contains(" 431 ");
    }
  }

  /**
   * Sends the head, then {@code count} copies of {@code filler} (all of which must be taken: a reset here is what a
   * client gets without the lingering close), half-closes, and returns what came back.
   */
  private static String sendAllThenRead(int port, String head, byte[] filler, int count) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < count; i++) {
        out.write(filler);
      }
      socket.shutdownOutput();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  @DisplayName("a client still sending 32 MB of headers reads its 431 instead of a reset (lingering close)")
  void lingeringClose(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    byte[] header = ("X-Pad: " + "p".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    assertThat(sendAllThenRead(gateway.port(), "GET /apps/hello/ HTTP/1.1\r\nHost: x\r\n", header, 32_000))
        .startsWith("HTTP/1.1 431 ").endsWith("request headers over 8192 bytes\n");
  }

  @Test
  @DisplayName("a client still sending a 32 MB body over the limit reads its 413 instead of a reset")
  void lingeringAfterTooLarge(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    int size = 32 << 20;
    byte[] chunk = new byte[64 * 1024];
    assertThat(sendAllThenRead(gateway.port(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n",
        chunk, size / chunk.length))
        .startsWith("HTTP/1.1 413 ").endsWith("request body over 1048576 bytes\n");
  }

  @Test
  @DisplayName("health and metrics answer while clients are rate-limited: probes are not user traffic")
  void probesExempt(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "limits:\n  rateLimit:\n    perSecond: 1\n    burst: 1\n");
    int limited = 0;
    for (int i = 0; i < 5; i++) {
      limited += gateway.get("/apps/hello/").statusCode() == 429 ? 1 : 0;
    }
    assertThat(limited).isPositive();
    for (int i = 0; i < 5; i++) {
      assertThat(gateway.get("/health/live").statusCode()).isEqualTo(204);
    }
  }
}
