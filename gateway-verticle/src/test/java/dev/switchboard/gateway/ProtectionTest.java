package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.meters.GatewayMeters.ConnectionClose;
import dev.switchboard.gateway.meters.GatewayMeters.Rejection;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.ChildProcess;
import dev.switchboard.testing.TestCertificates;
import dev.switchboard.wsgi.WsgiApplications;
import dev.switchboard.wsgi.WsgiResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProtectionTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static String readAll(Socket socket) throws IOException {
    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  /** An application that holds every request until the test releases it. */
  private static List<Promise<WsgiResponse>> holdingApp(Vertx vertx, String name) throws Exception {
    List<Promise<WsgiResponse>> held = new CopyOnWriteArrayList<>();
    WsgiApplications.serve(vertx, name, request -> {
      Promise<WsgiResponse> answer = Promise.promise();
      held.add(answer);
      return answer.future();
    }).completion().await(5, TimeUnit.SECONDS);
    return held;
  }

  @Test
  @DisplayName("slowloris: 200 connections trickling header bytes do not keep a normal client waiting, and each gets 408 at the header timeout")
  void slowloris(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "timeouts: {header: 2s}\n");
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        Socket socket = connect(gateway.port());
        socket.getOutputStream().write("GET /apps/hello/ HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        slow.add(socket);
      }
      CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
        // One more header byte per connection every 100 ms: the shape of the attack, not a synchronisation.
        for (int round = 0; round < 100; round++) {
          for (Socket socket : slow) {
            try {
              socket.getOutputStream().write('a');
            } catch (IOException closedByServer) {
              // expected once the header timeout has struck
            }
          }
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      HttpResponse<String> normal = gateway.get("/apps/hello/");
      assertThat(normal.statusCode()).isEqualTo(200);
      assertThat(gateway.meters().connectionsClosed(ConnectionClose.HEADER_TIMEOUT))
          .as("the normal client was served while the slow ones were still trickling").isZero();
      for (Socket socket : slow) {
        assertThat(readAll(socket)).startsWith("HTTP/1.1 408 Request Timeout");
      }
      trickle.cancel(true);
      assertThat(gateway.meters().connectionsClosed(ConnectionClose.HEADER_TIMEOUT)).isEqualTo(200);
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  @Test
  @DisplayName("a body that stalls is cut by the body timeout with 408")
  void bodyTimeout(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "timeouts: {body: 500ms}\n");
    try (Socket socket = connect(gateway.port())) {
      socket.getOutputStream().write(("POST /apps/echo/ HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab")
          .getBytes(StandardCharsets.US_ASCII));
      assertThat(readAll(socket)).startsWith("HTTP/1.1 408 ").contains("request body timeout");
    }
    assertThat(gateway.meters().connectionsClosed(ConnectionClose.BODY_TIMEOUT)).isEqualTo(1);
  }

  @Test
  @DisplayName("keep-alive: a connection with no request in progress is closed after the keep-alive timeout")
  void keepAliveTimeout(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "timeouts: {keepAlive: 300ms}\n");
    try (Socket socket = connect(gateway.port())) {
      socket.getOutputStream().write("GET /apps/hello/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readAll(socket)).startsWith("HTTP/1.1 200 OK").endsWith("Hello, world!");
    }
    assertThat(gateway.meters().connectionsClosed(ConnectionClose.KEEP_ALIVE)).isEqualTo(1);
  }

  @Test
  @DisplayName("keep-alive starts once a response is out: a 16 MB answer read slowly past the keep-alive timeout arrives whole, then the connection closes")
  void keepAliveWaitsForTheResponse(Vertx vertx) throws Exception {
    byte[] big = new byte[16 << 20];
    WsgiApplications.serve(vertx, "big", request -> Future.succeededFuture(WsgiResponse.of("200 OK", List.of(),
        Buffer.buffer(big)))).completion().await(5, TimeUnit.SECONDS);
    // No write timeout: only the keep-alive clock can end this connection, and only after the last byte is taken.
    RunningGateway gateway = RunningGateway.start(vertx, dir, "timeouts: {keepAlive: 200ms, write: 0}\n");
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      // Well before any other clock (the 10 s header timeout armed at connect) could end the connection.
      socket.setSoTimeout(5_000);
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gateway.port()));
      socket.getOutputStream().write("GET /apps/big/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] chunk = new byte[64 * 1024];
      long read = 0;
      long started = System.nanoTime();
      for (int n; (n = in.read(chunk)) >= 0; ) {
        read += n;
        if (System.nanoTime() - started < Duration.ofMillis(600).toNanos()) {
          // The client reading slowly (the scenario, not a synchronisation): the response outlives the keep-alive timeout.
          Thread.sleep(20);
        }
      }
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(600));
      assertThat(read).as("head and the whole body before the close").isGreaterThan(big.length);
    }
    assertThat(gateway.meters().connectionsClosed(ConnectionClose.KEEP_ALIVE)).isEqualTo(1);
  }

  @Test
  @DisplayName("pipelined requests on one connection are answered in order")
  void pipelining(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    try (Socket socket = connect(gateway.port())) {
      socket.getOutputStream().write(("GET /apps/echo/one HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /apps/echo/two HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /apps/echo/three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String all = readAll(socket);
      assertThat(all.split("HTTP/1.1 200 OK", -1)).hasSize(4);
      assertThat(all.indexOf("\"path\":\"/one\"")).isPositive()
          .isLessThan(all.indexOf("\"path\":\"/two\"")).isLessThan(all.indexOf("\"path\":\"/three\""));
    }
  }

  @Test
  @DisplayName("saturation: with 20 allowed in flight for an address, 70 concurrent slow requests give exactly 50 immediate 503s")
  void saturation(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "limits: {maxInFlightPerAddress: 20}\n");
    List<Promise<WsgiResponse>> held = holdingApp(vertx, "slow");
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      responses.add(gateway.client().sendAsync(gateway.request("/apps/slow/").GET().build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    Await.condition("20 requests held and 50 refused", WAIT,
        () -> held.size() == 20 && responses.stream().filter(CompletableFuture::isDone).count() == 50);
    for (CompletableFuture<HttpResponse<String>> response : responses) {
      if (response.isDone()) {
        assertThat(response.get().statusCode()).isEqualTo(503);
        assertThat(response.get().headers().firstValue("Retry-After")).hasValue("1");
      }
    }
    held.forEach(p -> p.complete(WsgiResponse.text("done")));
    for (CompletableFuture<HttpResponse<String>> response : responses) {
      assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isIn(200, 503);
    }
    assertThat(responses.stream().filter(r -> r.join().statusCode() == 200)).hasSize(20);
    assertThat(gateway.meters().rejected(Rejection.IN_FLIGHT_PER_ADDRESS)).isEqualTo(50);
    Await.condition("the bulkhead to empty", WAIT, () -> gateway.service().inFlight().addresses() == 0);
  }

  @Test
  @DisplayName("the gateway-wide in-flight limit refuses with 503 at once, whatever the address")
  void globalInFlight(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "limits: {maxInFlight: 5}\n");
    List<Promise<WsgiResponse>> held = holdingApp(vertx, "slow");
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      responses.add(gateway.client().sendAsync(gateway.request("/apps/slow/").GET().build(), HttpResponse.BodyHandlers.ofString()));
    }
    Await.condition("5 requests held", WAIT, () -> held.size() == 5);
    HttpResponse<String> refused = gateway.get("/apps/hello/");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).startsWith("gateway at capacity");
    held.forEach(p -> p.complete(WsgiResponse.text("done")));
    for (CompletableFuture<HttpResponse<String>> response : responses) {
      assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    assertThat(gateway.get("/apps/hello/").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("per-client rate limit: over the burst, 429 with Retry-After")
  void rateLimit(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "limits: {rateLimit: {perSecond: 1, burst: 2}}\n");
    assertThat(gateway.get("/apps/hello/").statusCode()).isEqualTo(200);
    assertThat(gateway.get("/apps/hello/").statusCode()).isEqualTo(200);
    HttpResponse<String> limited = gateway.get("/apps/hello/");
    assertThat(limited.statusCode()).isIn(200, 429);
    HttpResponse<String> surely = limited.statusCode() == 429 ? limited : gateway.get("/apps/hello/");
    assertThat(surely.statusCode()).isEqualTo(429);
    assertThat(surely.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(gateway.meters().rejected(Rejection.RATE_LIMITED)).isPositive();
  }

  @Test
  @DisplayName("max connections: one over the limit is closed at once and counted")
  void maxConnections(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "limits: {maxConnections: 2}\n");
    try (Socket first = connect(gateway.port()); Socket second = connect(gateway.port())) {
      Await.condition("two connections open", WAIT, () -> gateway.meters().connections() == 2);
      try (Socket third = connect(gateway.port())) {
        assertThat(third.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(gateway.meters().connectionsRefused()).isEqualTo(1);
      second.getOutputStream().write("GET /apps/hello/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      assertThat(readAll(second)).startsWith("HTTP/1.1 200 OK");
    }
  }

  @Test
  @DisplayName("max requests per connection: the last allowed response says Connection: close and the connection ends")
  void maxRequestsPerConnection(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "limits: {maxRequestsPerConnection: 2}\n");
    try (Socket socket = connect(gateway.port())) {
      socket.getOutputStream().write(("GET /apps/hello/ HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /apps/hello/ HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String both = readAll(socket);
      int second = both.indexOf("HTTP/1.1 200 OK", 1);
      assertThat(second).isPositive();
      assertThat(both.substring(0, second)).doesNotContainIgnoringCase("connection: close");
      assertThat(both.substring(second)).containsIgnoringCase("connection: close");
    }
  }

  @Test
  @DisplayName("size limits: a request line over the limit gets 414, headers over the limit 431")
  void sizeLimits(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "limits: {maxInitialLineBytes: 1024, maxHeaderBytes: 2048}\n");
    assertThat(gateway.raw("GET /apps/hello/" + "a".repeat(2000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .matches("(?s)HTTP/1\\.[01] 414 .*");
    assertThat(gateway.raw("GET /apps/hello/ HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(4000) + "\r\nConnection: close\r\n\r\n"))
        .matches("(?s)HTTP/1\\.[01] 431 .*");
    assertThat(gateway.meters().rejected(Rejection.INVALID_REQUEST)).isEqualTo(2);
  }

  @Test
  @DisplayName("whole-request deadline: a request still unanswered at the deadline gets 504, before the route's own timeout")
  void requestDeadline(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "timeouts: {request: 400ms}\nupstreamTimeout: 30s\n");
    holdingApp(vertx, "never");
    HttpResponse<String> response = gateway.get("/apps/never/");
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.body()).isEqualTo("request deadline of 400 ms passed\n");
    assertThat(gateway.meters().connectionsClosed(ConnectionClose.REQUEST_DEADLINE)).isEqualTo(1);
  }

  @Test
  @DisplayName("h2c (when enabled): HTTP/2 with prior knowledge and by upgrade, from curl")
  void h2c(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "limits: {h2c: true}\n");
    for (String mode : List.of("--http2-prior-knowledge", "--http2")) {
      String out = ChildProcess.run(Duration.ofSeconds(30), "curl", "-sS", mode, "-w", " %{http_version}",
          "http://127.0.0.1:" + gateway.port() + "/apps/hello/").output();
      assertThat(out).as(mode).isEqualTo("Hello, world! 2");
    }
  }

  @Test
  @DisplayName("TLS: HTTPS with HTTP/2 offered through ALPN, and HTTP/1.1 for clients that want it")
  void tlsWithAlpn(Vertx vertx) throws Exception {
    TestCertificates certificates = TestCertificates.selfSigned(dir);
    RunningGateway gateway = RunningGateway.start(vertx, dir, "tls: {certPath: " + certificates.cert()
        + ", keyPath: " + certificates.key() + "}\n");
    for (String mode : List.of("--http2", "--http1.1")) {
      String out = ChildProcess.run(Duration.ofSeconds(30), "curl", "-sS", mode, "--cacert",
          certificates.cert().toString(), "-w", " %{http_version}", "https://localhost:" + gateway.port() + "/apps/hello/")
          .output();
      assertThat(out).as(mode).isEqualTo("Hello, world! " + (mode.equals("--http2") ? "2" : "1.1"));
      String environ = ChildProcess.run(Duration.ofSeconds(30), "curl", "-sS", mode, "--cacert",
          certificates.cert().toString(), "https://localhost:" + gateway.port() + "/apps/echo/").output();
      assertThat(new JsonObject(environ).getJsonObject("environ").getString("wsgi.url_scheme")).as(mode).isEqualTo("https");
    }
  }

  @Test
  @DisplayName("drain: a request in flight when the gateway stops still completes, with Connection: close; new connections are refused")
  void drain(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "timeouts: {drain: 3s}\n");
    List<Promise<WsgiResponse>> held = holdingApp(vertx, "slow");
    try (Socket socket = connect(gateway.port())) {
      socket.getOutputStream().write("GET /apps/slow/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Await.condition("the request to reach the application", WAIT, () -> held.size() == 1);
      Future<Void> stopped = gateway.service().undeploy();
      Await.condition("the gateway to stop accepting", WAIT, () -> {
        try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
          return probe.getInputStream().read() == -1;
        } catch (IOException refused) {
          return true;
        }
      });
      held.get(0).complete(WsgiResponse.text("finished"));
      String response = readAll(socket);
      assertThat(response).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("connection: close").endsWith("finished");
      stopped.await(10, TimeUnit.SECONDS);
    }
  }

}
