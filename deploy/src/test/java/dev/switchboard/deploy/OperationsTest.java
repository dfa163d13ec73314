package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ClusterConfig;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.config.Role;
import dev.switchboard.listen.BoundListener;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Health and metrics endpoints of the whole assembly, with Vert.x's Micrometer metrics on as in the jar. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OperationsTest {

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Vertx vertx;
  private List<BoundListener> listeners;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.builder().with(Main.vertxOptions()).build();
    Map<String, String> keys = Map.of("echo.listeners.0.port", "0", "udp.port", "0", "gateway.port", "0",
        "bridge.port", "0", "instances", "1");
    listeners = new Assembly(vertx, ConfigLoader.load(null, new OverrideSource(keys, Map.of(), Map.of())),
        Main.meterRegistry(vertx)).start().await(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private int port(String service) {
    return listeners.stream().filter(l -> l.service().equals(service)).findFirst().orElseThrow().port();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port("gateway") + path))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("/health/live answers while the process serves; /health/ready lists every service with its listeners")
  void health() throws Exception {
    assertThat(get("/health/live").statusCode()).isEqualTo(204);
    HttpResponse<String> ready = get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonObject body = new JsonObject(ready.body());
    assertThat(body.getString("outcome")).isEqualTo("UP");
    assertThat(body.getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")))
        .containsExactlyInAnyOrder("echo", "udp", "gateway", "bridge");
  }

  @Test
  @DisplayName("a service that is not listening yet, or a cluster short of members, makes readiness DOWN")
  void notReady() throws Exception {
    Readiness readiness = new Readiness(vertx, Set.of(Role.ECHO), ClusterConfig.defaults(), () -> 0);
    assertThat(readiness.checks().checkStatus().await(5, TimeUnit.SECONDS).getUp()).isFalse();
    readiness.listening(Role.ECHO, List.of(new BoundListener("echo", "raw", "tcp", "127.0.0.1:1", 1)));
    assertThat(readiness.checks().checkStatus().await(5, TimeUnit.SECONDS).getUp()).isTrue();
  }

  @Test
  @DisplayName("/metrics is Prometheus text with Vert.x's meters and the services' counters, labels from bounded sets")
  void metrics() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port("echo"))) {
      socket.setSoTimeout(10_000);  // a read on a socket ignores JUnit's interrupt
      OutputStream out = socket.getOutputStream();
      out.write('x');
      socket.shutdownOutput();
      assertThat(socket.getInputStream().readAllBytes()).hasSize(1);
    }
    assertThat(get("/apps/hello/").statusCode()).isEqualTo(200);
    assertThat(get("/nowhere/at/all").statusCode()).isEqualTo(404);
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
    assertThat(metrics.body())
        .contains("vertx_net_server_active_connections")
        .doesNotContain("vertx_http_server_requests_total")
        .contains("switchboard_gateway_request_duration_seconds_bucket{route=\"apps\",le=\"0.005\"}")
        .contains("switchboard_gateway_request_duration_seconds_count{route=\"apps\"} 1")
        .contains("switchboard_echo_connections_closed_total{listener=\"raw\",reason=\"eof\"} 1.0")
        .contains("switchboard_gateway_responses_total{class=\"2xx\",route=\"apps\"} 1.0")
        .contains("switchboard_gateway_responses_total{class=\"4xx\",route=\"unmatched\"} 1.0")
        .contains("switchboard_udp_datagrams_dropped_total{reason=\"rate-limited\"}")
        .doesNotContain("nowhere");
  }
}
