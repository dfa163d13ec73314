package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.testing.Await;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gateway's built-in routes reaching the real echo and UDP services over the bus, all in one assembly. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayOverServicesTest {

  private Vertx vertx;
  private MeterRegistry registry;
  private int http;
  private int echo;
  private int udp;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    Map<String, String> keys = new HashMap<>(Map.of("echo.listeners.0.port", "0", "udp.port", "0", "gateway.port", "0",
        "instances", "1", "gateway.events.queueBytes", "1024", "roles", "echo,udp,gateway"));
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
    List<BoundListener> listeners = new Assembly(vertx, ConfigLoader.load(null, new OverrideSource(keys, Map.of(), Map.of())),
        registry).start().await(20, TimeUnit.SECONDS);
    http = port(listeners, "gateway");
    echo = port(listeners, "echo");
    udp = port(listeners, "udp");
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** {@code switchboard_gateway_event_clients}, read from the gateway's meters. */
  private double eventClients() {
    return registry.get("switchboard.gateway.event.clients").gauge().value();
  }

  /** {@code switchboard_gateway_events_dropped_total}. */
  private double eventsDropped() {
    return registry.get("switchboard.gateway.events.dropped").counter().count();
  }

  private static int port(List<BoundListener> listeners, String service) {
    return listeners.stream().filter(l -> l.service().equals(service)).findFirst().orElseThrow().port();
  }

  private HttpResponse<String> post(String pathAndQuery, byte[] body) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + pathAndQuery))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-test")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
  }

  @Test
  @DisplayName("POST /echo: the body goes through echo.request and comes back byte for byte, with its content type")
  void echoRoute() throws Exception {
    byte[] body = {0, 1, (byte) 0xFF, 'x', '\n'};
    HttpResponse<String> response = post("/echo", body);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-test");
    assertThat(response.body().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(body);
  }

  @Test
  @DisplayName("POST /udp/send: through udp.send to the UDP service itself; refusals and bad input keep their statuses")
  void udpSendRoute() throws Exception {
    HttpResponse<String> sent = post("/udp/send?host=127.0.0.1&port=" + udp + "&await=true&timeoutMs=2000", "ping".getBytes());
    assertThat(sent.statusCode()).isEqualTo(200);
    JsonObject result = new JsonObject(sent.body());
    assertThat(result.getBoolean("sent")).isTrue();
    assertThat(result.getString("reply")).isEqualTo("cGluZw==");
    assertThat(result.getString("from")).isEqualTo("127.0.0.1:" + udp);

    HttpResponse<String> refused = post("/udp/send?host=203.0.113.5&port=9", "x".getBytes());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).startsWith("destination 203.0.113.5 is not in udp.send.allow");
    assertThat(post("/udp/send?host=127.0.0.1&port=70000", "x".getBytes()).statusCode()).isEqualTo(400);
    assertThat(post("/udp/send?port=9", "x".getBytes()).statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("GET /events: echo connections and UDP datagrams arrive as server-sent events, filtered by source")
  void events() throws Exception {
    try (Socket all = sse("/events"); Socket udpOnly = sse("/events?source=udp")) {
      BufferedReader allLines = reader(all);
      BufferedReader udpLines = reader(udpOnly);
      Await.condition("both event clients to be connected", Duration.ofSeconds(10),
          () -> eventClients() == 2);
      assertThat(nextComment(allLines)).isEqualTo(": connected to echo,udp");
      assertThat(nextComment(udpLines)).isEqualTo(": connected to udp");
      try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), echo)) {
        tcp.getOutputStream().write('x');
        assertThat(tcp.getInputStream().read()).isEqualTo('x');
      }
      try (DatagramSocket datagrams = new DatagramSocket()) {
        datagrams.send(new DatagramPacket("dgram".getBytes(), 5, InetAddress.getLoopbackAddress(), udp));
      }
      assertThat(nextEvent(allLines, "echo")).contains("\"type\":\"open\"");
      assertThat(nextEvent(udpLines, "udp")).contains("\"data\":\"ZGdyYW0=\"");
    }
    Await.condition("the event clients to be gone", Duration.ofSeconds(10), () -> eventClients() == 0);
  }

  @Test
  @DisplayName("a slow event client gets events dropped and counted, never buffered, while a reading client keeps up")
  void slowEventClient() throws Exception {
    try (Socket stalled = sse("/events?source=udp"); Socket reading = sse("/events?source=udp");
         DatagramSocket datagrams = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      BufferedReader lines = reader(reading);
      Await.condition("both event clients to be connected", Duration.ofSeconds(10),
          () -> eventClients() == 2);
      datagrams.setSoTimeout(1000);
      byte[] payload = new byte[1000];
      byte[] reply = new byte[2000];
      // The stalled client reads nothing: once its socket is full, its events must be dropped. Each datagram's echo
      // paces the sending, so that the datagrams are not lost before they become events. Bounded by time, not by a
      // count: on a loaded machine the UDP service sheds events for consumer lag, and fewer reach the gateway.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (eventsDropped() == 0 && System.nanoTime() < deadline) {
        datagrams.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(), udp));
        try {
          datagrams.receive(new DatagramPacket(reply, reply.length));
        } catch (java.net.SocketTimeoutException e) {
          // a lost datagram is no event; send the next
        }
      }
      assertThat(eventsDropped()).as("events dropped for the stalled client").isPositive();
      assertThat(nextEvent(lines, "udp")).contains("\"size\":1000");
    }
  }

  private Socket sse(String path) throws Exception {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), http), 5000);
    socket.setSoTimeout(10_000);
    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    return socket;
  }

  private static BufferedReader reader(Socket socket) throws Exception {
    BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while (!(line = reader.readLine()).isEmpty()) {
      if (line.startsWith("HTTP/1.1")) {
        assertThat(line).isEqualTo("HTTP/1.1 200 OK");
      }
    }
    return reader;
  }

  /** The next SSE comment line (chunk-size lines and blank lines skipped). */
  private static String nextComment(BufferedReader lines) throws Exception {
    String line;
    while ((line = lines.readLine()) != null) {
      if (line.startsWith(":")) {
        return line;
      }
    }
    throw new AssertionError("stream ended before a comment");
  }

  /** The data of the next event of that name, skipping chunk-size lines, comments and other events. */
  private static String nextEvent(BufferedReader lines, String name) throws Exception {
    String line;
    while ((line = lines.readLine()) != null) {
      if (line.equals("event: " + name)) {
        String data = lines.readLine();
        assertThat(data).startsWith("data: ");
        return data.substring(6);
      }
    }
    throw new AssertionError("stream ended before an event " + name);
  }
}
