package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.meters.GatewayMeters.ConnectionClose;
import dev.switchboard.gateway.meters.GatewayMeters.Rejection;
import dev.switchboard.testing.Await;
import dev.switchboard.wsgi.RequestBody;
import dev.switchboard.wsgi.WsgiApplications;
import dev.switchboard.wsgi.WsgiResponse;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.streams.ReadStream;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The request body budget and clocks (README, "Protection"), over real sockets, on HTTP/1.1 and HTTP/2 (h2c). */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BodyProtectionTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  /** Held in a field: a client nothing references can be closed by the GC mid-test (STACK.md). */
  private HttpClient h2;
  private final List<Socket> sockets = new ArrayList<>();
  private final List<CompletableFuture<?>> tricklers = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    tricklers.forEach(t -> t.cancel(true));
    for (Socket socket : sockets) {
      socket.close();
    }
    if (h2 != null) {
      h2.close().await(10, TimeUnit.SECONDS);
    }
  }

  private Socket connect(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(10_000);
    sockets.add(socket);
    return socket;
  }

  private static String post(String path, long contentLength) {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + contentLength + "\r\n\r\n";
  }

  private static String readAll(Socket socket) throws IOException {
    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  /**
   * Writes one byte every {@code everyMs} (the shape of the attack, not a synchronisation) until the server closes
   * the connection or {@code rounds} have passed.
   */
  private void trickle(Socket socket, long everyMs, int rounds) {
    tricklers.add(CompletableFuture.runAsync(() -> {
      try {
        OutputStream out = socket.getOutputStream();
        for (int i = 0; i < rounds; i++) {
          Thread.sleep(everyMs);
          out.write('x');
          out.flush();
        }
      } catch (IOException | InterruptedException closedOrCancelled) {
        // expected: the gateway closed the connection, or the test ended
      }
    }));
  }

  private HttpClient h2c(Vertx vertx) {
    h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1"));
    return h2;
  }

  /**
   * The response as "VERSION STATUS BODY"; the body is asked for as the head arrives, on the client's event loop
   * (asked for later, from the test's thread, it may have gone by). The client's request is left unfinished, so the
   * server's reset of the stream after its answer is expected.
   */
  private static String answer(HttpClientRequest request) throws Exception {
    request.exceptionHandler(resetAfterTheAnswer -> { });
    return request.response()
        .compose(r -> r.body().map(body -> r.version() + " " + r.statusCode() + " " + body))
        .await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("HTTP/1.1: a body trickled one byte inside every gap gets 408 'too slow' about one gap after its headers, and its bytes are released")
  void trickleHttp1(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "timeouts: {body: 1s, bodyMinRate: 1000}\n");
    Socket socket = connect(gateway.port());
    socket.getOutputStream().write(post("/apps/echo/", 1 << 20).getBytes(StandardCharsets.US_ASCII));
    trickle(socket, 300, 1000);
    // When the rate clock runs out is BodyClockTest's, on an injected clock. Here: the 1 MiB body never completes, the
    // 2 min total deadline is far beyond the socket's 10 s read timeout, and the gap never runs out (counted below):
    // an answer at all is the rate check's.
    String response = readAll(socket);
    assertThat(response).startsWith("HTTP/1.1 408 ").containsIgnoringCase("connection: close")
        .contains("request body too slow");
    assertThat(gateway.meters().connectionsClosed(ConnectionClose.BODY_TOO_SLOW)).isEqualTo(1);
    assertThat(gateway.meters().connectionsClosed(ConnectionClose.BODY_TIMEOUT)).as("the gap never ran out").isZero();
    Await.condition("the body's bytes to be released", WAIT, () -> gateway.service().bodyBudget().held() == 0);
  }

  @Test
  @DisplayName("the issue's attack, scaled down: 40 clients each send 256 KiB of a 1 MiB body, then trickle inside the gap; the gateway holds at most its budget, answers a GET meanwhile, and every attacker is answered by the total deadline")
  void trickleAttack(Vertx vertx) throws Exception {
    int clients = 40;
    int burst = 256 << 10;
    long budget = 4L << 20;
    RunningGateway gateway = RunningGateway.start(vertx, dir,
        "timeouts: {body: 1s, bodyTotal: 3s}\nlimits: {maxBufferedBodyBytes: " + budget + "}\n");
    long started = System.nanoTime();
    for (int i = 0; i < clients; i++) {
      Socket socket = connect(gateway.port());
      try {
        socket.getOutputStream().write(post("/apps/echo/", 1 << 20).getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(new byte[burst]);
      } catch (IOException refusedAndClosed) {
        // over the budget: 503, and the connection closes
      }
    }
    // One byte per connection every 300 ms, inside the 1 s gap: the shape of the attack, not a synchronisation.
    tricklers.add(CompletableFuture.runAsync(() -> {
      for (int round = 0; round < 100; round++) {
        for (Socket socket : List.copyOf(sockets)) {
          try {
            socket.getOutputStream().write('x');
          } catch (IOException closedByServer) {
            // answered
          }
        }
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          return;
        }
      }
    }));
    assertThat(gateway.get("/apps/hello/").statusCode()).as("a request without a body is served meanwhile").isEqualTo(200);
    long peakDuringAttack = gateway.service().bodyBudget().held();
    int tooSlow = 0;
    int refused = 0;
    for (Socket socket : sockets) {
      String response = readAll(socket);
      if (response.startsWith("HTTP/1.1 408 ")) {
        tooSlow++;
      } else {
        assertThat(response).startsWith("HTTP/1.1 503 ");
        refused++;
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    System.out.printf("trickle attack: %d clients x %d KiB; held %d bytes at the GET, peak %d (budget %d); "
            + "%d refused (503), %d cut (408) within %d ms%n", clients, burst >> 10, peakDuringAttack,
        gateway.service().bodyBudget().peak(), budget, refused, tooSlow, took.toMillis());
    assertThat(gateway.service().bodyBudget().peak()).isLessThanOrEqualTo(budget);
    // Bodies arrive interleaved, so one refused late may have held part of the budget meanwhile.
    assertThat(tooSlow).as("admitted: as many as fit in the budget, nearly").isBetween((int) (budget / burst) - 2,
        (int) (budget / burst));
    assertThat(refused).isEqualTo(clients - tooSlow);
    // Trickled inside the gap for 30 s, an admitted body is answered within each socket's 10 s read timeout only by
    // the 3 s total deadline. Each cut is counted once: by the total deadline, or by the gap clock when a busy machine stalled the trickler
    // for more than the 1 s gap (seen under a load average of 10).
    assertThat(gateway.meters().connectionsClosed(ConnectionClose.BODY_DEADLINE)
        + gateway.meters().connectionsClosed(ConnectionClose.BODY_TIMEOUT)).isEqualTo(tooSlow);
    Await.condition("the budget back to 0", WAIT, () -> gateway.service().bodyBudget().held() == 0);
  }

  @Test
  @DisplayName("HTTP/1.1: a body sent briskly but never finished gets 408 at the total body deadline")
  void totalDeadlineHttp1(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "timeouts: {body: 5s, bodyMinRate: 0, bodyTotal: 1s}\n");
    Socket socket = connect(gateway.port());
    socket.getOutputStream().write(post("/apps/echo/", 1 << 20).getBytes(StandardCharsets.US_ASCII));
    // With no minimum rate and a byte every 50 ms inside the 5 s gap, only the 1 s total deadline can answer before
    // the socket's 10 s read timeout.
    trickle(socket, 50, 1000);
    assertThat(readAll(socket)).startsWith("HTTP/1.1 408 ").contains("request body not complete in time");
    assertThat(gateway.meters().connectionsClosed(ConnectionClose.BODY_DEADLINE)).isEqualTo(1);
    assertThat(gateway.meters().connectionsClosed(ConnectionClose.BODY_TIMEOUT)).isZero();
  }

  @Test
  @DisplayName("well-behaved bodies are untouched by the clocks and the budget: 200 for 1 MiB, with a 2 MiB budget")
  void wellBehaved(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir,
        "timeouts: {body: 1s, bodyMinRate: 1000, bodyTotal: 5s}\nlimits: {maxBufferedBodyBytes: 2097152}\n");
    byte[] body = new byte[1 << 20];
    for (int i = 0; i < 5; i++) {
      var response = gateway.send(gateway.request("/apps/echo/").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("\"CONTENT_LENGTH\":\"" + body.length + "\"");
    }
    Await.condition("every body released", WAIT, () -> gateway.service().bodyBudget().held() == 0);
    assertThat(gateway.service().bodyBudget().peak()).isBetween((long) body.length, 2L << 20);
  }

  @Test
  @DisplayName("the body budget: a declared length that does not fit gets 503 with Retry-After at once; a chunked body gets it as it would pass; room comes back as requests end")
  void budget(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "limits: {maxBufferedBodyBytes: 100000}\n");
    // The first client holds 80 000 bytes of a 90 000-byte body.
    Socket holder = connect(gateway.port());
    holder.getOutputStream().write(post("/apps/echo/", 90_000).getBytes(StandardCharsets.US_ASCII));
    holder.getOutputStream().write(new byte[80_000]);
    Await.condition("80 000 bytes held", WAIT, () -> gateway.service().bodyBudget().held() == 80_000);

    Socket declared = connect(gateway.port());
    declared.getOutputStream().write(("POST /apps/echo/ HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\n"
        + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    String refused = readAll(declared);
    assertThat(refused).startsWith("HTTP/1.1 503 ").contains("Retry-After: 1").doesNotContain("100 Continue")
        .contains("gateway at capacity (100000 bytes of request bodies buffered)");

    Socket chunked = connect(gateway.port());
    chunked.getOutputStream().write(("POST /apps/echo/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "2710\r\n" + "y".repeat(10_000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    Await.condition("90 000 bytes held", WAIT, () -> gateway.service().bodyBudget().held() == 90_000);
    chunked.getOutputStream().write(("2710\r\n" + "y".repeat(10_000) + "\r\n" + "2710\r\n" + "y".repeat(10_000) + "\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    assertThat(readAll(chunked)).startsWith("HTTP/1.1 503 ").contains("Retry-After: 1");
    assertThat(gateway.meters().rejected(Rejection.BODY_BUDGET)).isEqualTo(2);
    Await.condition("the refused chunked body released", WAIT, () -> gateway.service().bodyBudget().held() == 80_000);

    holder.getOutputStream().write(new byte[10_000]);
    holder.getOutputStream().write("GET /apps/hello/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    String served = readAll(holder);
    assertThat(served).startsWith("HTTP/1.1 200 OK").contains("\"CONTENT_LENGTH\":\"90000\"").endsWith("Hello, world!");
    Await.condition("the budget back to 0", WAIT, () -> gateway.service().bodyBudget().held() == 0);
    assertThat(gateway.service().bodyBudget().peak()).isLessThanOrEqualTo(100_000);
  }

  @Test
  @DisplayName("clients that reset mid-body, on HTTP/1.1 and HTTP/2, leave nothing held")
  void resetsReleaseTheBudget(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    for (int i = 0; i < 20; i++) {
      Socket socket = connect(gateway.port());
      socket.getOutputStream().write(post("/apps/echo/", 100_000).getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(new byte[50_000]);
    }
    Await.condition("20 half bodies held", WAIT, () -> gateway.service().bodyBudget().held() == 20 * 50_000);
    for (Socket socket : sockets) {
      socket.setSoLinger(true, 0);
      socket.close();
    }
    Await.condition("HTTP/1.1: everything released", WAIT, () -> gateway.service().bodyBudget().held() == 0);

    RunningGateway h2cGateway = RunningGateway.start(vertx, dir, "limits: {h2c: true}\n");
    HttpClient client = h2c(vertx);
    List<HttpClientRequest> requests = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      HttpClientRequest request = client.request(HttpMethod.POST, h2cGateway.port(), "127.0.0.1", "/apps/echo/")
          .await(10, TimeUnit.SECONDS);
      request.putHeader("Content-Length", "100000");
      request.exceptionHandler(ownReset -> { });
      request.write(Buffer.buffer(new byte[50_000])).await(10, TimeUnit.SECONDS);
      requests.add(request);
    }
    Await.condition("20 half bodies held over HTTP/2", WAIT,
        () -> h2cGateway.service().bodyBudget().held() == 20 * 50_000);
    for (HttpClientRequest request : requests) {
      request.reset().await(10, TimeUnit.SECONDS);
    }
    Await.condition("HTTP/2: everything released", WAIT, () -> h2cGateway.service().bodyBudget().held() == 0);
    assertThat(h2cGateway.meters().connections()).as("the HTTP/2 connection itself stays").isEqualTo(1);
  }

  @Test
  @DisplayName("HTTP/2: a stalled body gets 408 on its stream at the body gap; the connection carries on")
  void gapHttp2(Vertx vertx) throws Exception {
    // No minimum rate: its allowance is the gap too, so when the bytes came a little after the headers (a busy
    // machine), the rate clock would run out first and say "too slow".
    RunningGateway gateway = RunningGateway.start(vertx, dir,
        "limits: {h2c: true}\ntimeouts: {body: 500ms, bodyMinRate: 0}\n");
    HttpClient client = h2c(vertx);
    HttpClientRequest request = client.request(HttpMethod.POST, gateway.port(), "127.0.0.1", "/apps/echo/")
        .await(10, TimeUnit.SECONDS);
    request.putHeader("Content-Length", "1000");
    request.write(Buffer.buffer("ab")).await(10, TimeUnit.SECONDS);
    assertThat(answer(request)).startsWith("HTTP_2 408 request body timeout (2 bytes in ");
    assertThat(gateway.meters().connectionsClosed(ConnectionClose.BODY_TIMEOUT)).isEqualTo(1);

    HttpClientResponse next = client.request(HttpMethod.GET, gateway.port(), "127.0.0.1", "/apps/hello/")
        .compose(r -> r.send()).await(10, TimeUnit.SECONDS);
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(gateway.meters().connections()).as("the same HTTP/2 connection").isEqualTo(1);
    Await.condition("the budget back to 0", WAIT, () -> gateway.service().bodyBudget().held() == 0);
  }

  @Test
  @DisplayName("HTTP/2: a streamed body that stalls while the application waits for it gets 408 at the body gap, and the application an error")
  void streamedGapHttp2(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, """
        limits: {h2c: true}
        timeouts: {body: 500ms}
        routes:
          - {prefix: /upload, address: wsgi.upload, streamBody: true}
        """);
    CompletableFuture<String> failure = new CompletableFuture<>();
    WsgiApplications.serve(vertx, "upload", request -> {
      ReadStream<Buffer> body = RequestBody.of(vertx, request);
      body.exceptionHandler(e -> failure.complete(e.getMessage()));
      body.handler(chunk -> { });
      body.endHandler(v -> failure.complete("ended"));
      return Promise.<WsgiResponse>promise().future();
    }).completion().await(5, TimeUnit.SECONDS);
    HttpClient client = h2c(vertx);
    HttpClientRequest request = client.request(HttpMethod.POST, gateway.port(), "127.0.0.1", "/upload/file")
        .await(10, TimeUnit.SECONDS);
    request.putHeader("Content-Length", "1000");
    request.write(Buffer.buffer("ab")).await(10, TimeUnit.SECONDS);
    assertThat(answer(request)).startsWith("HTTP_2 408 request body timeout (2 bytes in ");
    assertThat(failure.get(10, TimeUnit.SECONDS)).isEqualTo("request body timeout");
    assertThat(gateway.meters().connectionsClosed(ConnectionClose.BODY_TIMEOUT)).isEqualTo(1);
  }

  @Test
  @DisplayName("HTTP/2: a body trickled inside every gap gets 408 'too slow' on its stream, as on HTTP/1.1")
  void trickleHttp2(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "limits: {h2c: true}\ntimeouts: {body: 1s, bodyMinRate: 1000}\n");
    HttpClient client = h2c(vertx);
    HttpClientRequest request = client.request(HttpMethod.POST, gateway.port(), "127.0.0.1", "/apps/echo/")
        .await(10, TimeUnit.SECONDS);
    request.putHeader("Content-Length", String.valueOf(1 << 20));
    request.write(Buffer.buffer("x")).await(10, TimeUnit.SECONDS);
    // One byte every 300 ms from the client's event loop: the attack's shape, not a synchronisation. As on HTTP/1.1,
    // only the rate check can answer before answer()'s 10 s wait.
    long trickler = vertx.setPeriodic(300, t -> request.write(Buffer.buffer("x")));
    try {
      assertThat(answer(request)).startsWith("HTTP_2 408 request body too slow");
    } finally {
      vertx.cancelTimer(trickler);
    }
    assertThat(gateway.meters().connectionsClosed(ConnectionClose.BODY_TOO_SLOW)).isEqualTo(1);
    assertThat(gateway.meters().connectionsClosed(ConnectionClose.BODY_TIMEOUT)).as("the gap never ran out").isZero();
    Await.condition("the budget back to 0", WAIT, () -> gateway.service().bodyBudget().held() == 0);
  }
}
