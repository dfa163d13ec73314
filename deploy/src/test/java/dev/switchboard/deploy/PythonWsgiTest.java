package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.ChildProcess;
import dev.switchboard.testing.IntegrationTest;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real PEP 3333 application (wrapped in wsgiref.validate) served by the Python adapter, a separate process, through
 * the TCP bridge, driven over HTTP through the gateway.
 */
@IntegrationTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PythonWsgiTest {

  private static final Path PYTHON_CLIENT = Path.of("..", "clients", "python").toAbsolutePath().normalize();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Vertx vertx;
  private int http;
  private int bridge;
  private Process adapter;

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void startSuite() throws Exception {
    vertx = Vertx.vertx();
    Map<String, String> keys = Map.of("roles", "gateway,bridge", "instances", "1",
        "gateway.port", String.valueOf(http), "bridge.port", String.valueOf(bridge));
    List<BoundListener> listeners = new Assembly(vertx, ConfigLoader.load(null, new OverrideSource(keys, Map.of(), Map.of())),
        Main.meterRegistry(vertx)).start().await(20, TimeUnit.SECONDS);
    assertThat(listeners).hasSize(2);
  }

  @BeforeEach
  void start() throws Exception {
    http = freePort();
    bridge = freePort();
    startSuite();
    adapter = startAdapter("py", "--threads", "2");
    awaitServing("py");
  }

  /** The adapter serving tests/apps.py as wsgi.NAME, logging to target/python-NAME.log. */
  private Process startAdapter(String name, String... options) throws IOException {
    List<String> command = new ArrayList<>(List.of("python3", "-m", "switchboard.wsgi", "tests.apps:application",
        "--name", name, "--bridge", "127.0.0.1:" + bridge));
    command.addAll(List.of(options));
    return new ProcessBuilder(command).directory(PYTHON_CLIENT.toFile()).redirectErrorStream(true)
        .redirectOutput(Path.of("target", "python-" + name + ".log").toFile()).start();
  }

  @AfterEach
  void stop() throws Exception {
    adapter.destroy();
    adapter.waitFor(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void awaitServing(String name) throws InterruptedException {
    Await.condition("the Python application " + name + " to be registered", WAIT, () -> {
      try {
        return get("/apps/" + name + "/ping").statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    });
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + path))
        .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("GET with a query, POST with a body, repeated headers, two Set-Cookie, an app 404 and an app exception")
  void requests() throws Exception {
    HttpResponse<String> echo = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
            + "/apps/py/echo?a=1&b=%20"))
        .header("X-Repeat", "one").header("X-Repeat", "two")
        .POST(HttpRequest.BodyPublishers.ofString("hello python")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(echo.statusCode()).isEqualTo(200);
    assertThat(echo.body()).isEqualTo("method=POST\nquery=a=1&b=%20\nrepeat=one, two\nlength=12\nhello python");

    HttpResponse<String> cookies = get("/apps/py/cookies");
    assertThat(cookies.headers().allValues("Set-Cookie")).containsExactly("a=1", "b=2");
    assertThat(get("/apps/py/nothing-here").statusCode()).isEqualTo(404);
    HttpResponse<String> boom = get("/apps/py/boom");
    assertThat(boom.statusCode()).isEqualTo(502);
    assertThat(boom.body()).isEqualTo("application at wsgi.py failed (code 500)\n");
  }

  @Test
  @DisplayName("a 50 MB response streams from the Python iterable with credit, read slowly, byte-exact")
  void bigStreamedResponse() throws Exception {
    long total = 50L << 20;
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), http)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("GET /apps/py/big?" + total + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) in.read());
      }
      assertThat(head.toString()).startsWith("HTTP/1.1 200 OK").contains("Content-Length: " + total);
      byte[] buffer = new byte[16 * 1024];
      long offset = 0;
      int n;
      while ((n = in.read(buffer)) > 0) {
        for (int i = 0; i < n; i++, offset++) {
          int expected = (int) ((offset / 65536 + offset % 256) & 0xFF);
          if ((buffer[i] & 0xFF) != expected) {
            throw new AssertionError("byte " + offset + " differs");
          }
        }
        if (offset < 4L << 20) {
          Thread.sleep(1);  // a slow reader for the first megabytes
        }
      }
      assertThat(offset).isEqualTo(total);
    }
  }

  @Test
  @DisplayName("25-byte chunks yielded every 50 ms reach the HTTP client as they are yielded, not all at the end")
  void smallChunksArriveSpreadOut() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), http)) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write("GET /apps/py/drip?20 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      StringBuilder received = new StringBuilder();
      List<Long> arrivals = new ArrayList<>();  // when each line of 24 digits (one yielded chunk) was complete
      int c;
      while ((c = in.read()) != -1) {
        received.append((char) c);
        if (c == '\n' && received.length() > 24
            && received.substring(received.length() - 25, received.length() - 1).chars().allMatch(Character::isDigit)) {
          arrivals.add(System.nanoTime());
        }
      }
      assertThat(received.toString()).startsWith("HTTP/1.1 200 OK").contains("000000000000000000000019\n");
      assertThat(arrivals).hasSizeGreaterThanOrEqualTo(15);
      // The generator takes 950 ms; held until the end, everything would come within a few ms.
      assertThat(Duration.ofNanos(arrivals.get(arrivals.size() - 1) - arrivals.get(0))).isGreaterThan(Duration.ofMillis(600));
    }
  }

  @Test
  @DisplayName("saturation: with both threads busy, a request is refused at once with 503, and the busy ones finish")
  void saturation() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), http);
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write("GET /apps/py/slow?8 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        slow.add(socket);
      }
      // Both threads sleep 8 s; within that window another request must be turned away at once.
      Await.condition("a request to be refused while both threads are busy", Duration.ofSeconds(8), () -> {
        try {
          HttpResponse<String> response = get("/apps/py/ping");
          return response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()
              && response.body().equals("application at wsgi.py is busy\n");
        } catch (Exception e) {
          return false;
        }
      });
      for (Socket socket : slow) {
        assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
            .startsWith("HTTP/1.1 200 OK").endsWith("slow");
      }
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  @Test
  @DisplayName("the adapter killed with requests in progress: their clients get 502 at once, not 504 after the timeout")
  void adapterKilledMidRequest() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), http);
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write("GET /apps/py/slow?25 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        slow.add(socket);
      }
      // Both threads busy means both requests are in the application.
      Await.condition("both threads to be busy", Duration.ofSeconds(10), () -> {
        try {
          return get("/apps/py/ping").statusCode() == 503;
        } catch (Exception e) {
          return false;
        }
      });
      // The worker process holds the bridge connection; its supervisor alone dying would let it finish gracefully.
      List<ProcessHandle> workers = adapter.descendants().toList();
      adapter.destroyForcibly();
      workers.forEach(ProcessHandle::destroyForcibly);
      // Which failure it was, not how long it took: the route's timeout would be a 504, and only the bridge seeing the
      // connection close answers "disconnected before answering".
      for (Socket socket : slow) {
        assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
            .startsWith("HTTP/1.1 502 ").endsWith("application at wsgi.py disconnected before answering\n");
      }
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  @Test
  @DisplayName("--workers 2 --threads 1: two worker processes serve one name, so two slow requests run at once")
  void workers() throws Exception {
    Process workers = startAdapter("pw", "--threads", "1", "--workers", "2");
    try {
      // Each worker registers on its own; with one of them up, a second slow request would get 503.
      Await.condition("both workers to serve", WAIT, () -> {
        List<CompletableFuture<HttpResponse<String>>> pair = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          pair.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/apps/pw/slow?0.5"))
              .GET().build(), HttpResponse.BodyHandlers.ofString()));
        }
        return pair.stream().allMatch(r -> r.join().statusCode() == 200);
      });
    } finally {
      workers.destroy();
      workers.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("--threads 1 --queue 1: of three slow requests at once, one runs, one waits for the thread and succeeds, one gets 503")
  void queue() throws Exception {
    Process queued = startAdapter("pq", "--threads", "1", "--queue", "1");
    try {
      awaitServing("pq");
      List<CompletableFuture<HttpResponse<String>>> three = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        three.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/apps/pq/slow?1"))
            .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString()));
      }
      // The three arrive within the first request's second: the thread takes one, the queue one, and the third is
      // refused at once. With no queue, two would be refused.
      List<Integer> statuses = three.stream().map(r -> r.join().statusCode()).sorted().toList();
      assertThat(statuses).containsExactly(200, 200, 503);
    } finally {
      queued.destroy();
      queued.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("--timeout 1: a request running past it gets 502 at once, not the route's 30 s timeout, and a new worker serves")
  void workerTimeout() throws Exception {
    Process timed = startAdapter("pt", "--timeout", "1", "--graceful-timeout", "1");
    try {
      awaitServing("pt");
      // get() waits 20 s at most, so neither the application's 20 s nor the route's 30 s timeout can answer: the
      // adapter's own timeout, in its code 504, did.
      HttpResponse<String> slow = get("/apps/pt/slow?20");
      assertThat(slow.statusCode()).isEqualTo(502);
      assertThat(slow.body()).isEqualTo("application at wsgi.pt failed (code 504)\n");
      awaitServing("pt");
    } finally {
      timed.destroy();
      timed.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("the bridge refuses a register outside its allow-list with an error frame")
  void allowList() throws Exception {
    String script = """
        import sys, time
        from switchboard.bus import BusClient
        bus = BusClient("127.0.0.1", int(sys.argv[1])).connect()
        bus.register("secret.admin", lambda m: None)
        deadline = time.time() + 10
        while not bus.errors and time.time() < deadline:
            time.sleep(0.05)
        print(bus.errors)
        """;
    String out = ChildProcess.run(new ProcessBuilder("python3", "-c", script, String.valueOf(bridge))
        .directory(PYTHON_CLIENT.toFile()), Duration.ofSeconds(30)).output();
    assertThat(out).contains("['blocked by bridgeEvent handler']");
  }

  @Test
  @DisplayName("the adapter survives the suite restarting: it reconnects and registers again")
  void survivesRestart() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    startSuite();
    awaitServing("py");
    assertThat(get("/apps/py/ping").body()).isEqualTo("pong");
  }
}
