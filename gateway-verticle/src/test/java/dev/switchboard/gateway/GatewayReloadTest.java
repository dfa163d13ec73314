package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.gateway.meters.GatewayMeters.ConnectionClose;
import dev.switchboard.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What a reload changes in a running gateway: routes and in-flight limits, for the requests that come next. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayReloadTest {

  @TempDir
  Path dir;

  private GatewayConfig gatewayConfig(String yaml) throws Exception {
    Path file = dir.resolve("reload-" + System.nanoTime() + ".yaml");
    Files.writeString(file, "gateway:\n  port: 0\n" + yaml.indent(2));
    return ConfigLoader.load(file, OverrideSource.none()).gateway();
  }

  @Test
  @DisplayName("a reload swaps the route table whole, and a lower in-flight limit turns the next request away with it")
  void routesAndLimits(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "routes: [{prefix: /a, address: wsgi.hello}]");
    assertThat(gateway.get("/a").statusCode()).isEqualTo(200);
    assertThat(gateway.get("/b").statusCode()).isEqualTo(404);

    gateway.service().reload(gatewayConfig("routes: [{prefix: /b, address: wsgi.hello}]"));
    assertThat(gateway.get("/b").statusCode()).isEqualTo(200);
    assertThat(gateway.get("/a").statusCode()).isEqualTo(404);

    // An application that holds its request: with the limit reloaded to 1, a second request is refused at once.
    vertx.eventBus().consumer("wsgi.hold", message -> { }).completion().await(5, TimeUnit.SECONDS);
    gateway.service().reload(gatewayConfig("limits: {maxInFlightPerAddress: 1}"));
    CompletableFuture<HttpResponse<String>> held = gateway.client()
        .sendAsync(gateway.request("/apps/hold/").GET().build(), HttpResponse.BodyHandlers.ofString());
    Await.condition("the first request to be in flight", Duration.ofSeconds(10),
        () -> gateway.service().inFlight().addresses() == 1);
    HttpResponse<String> refused = gateway.get("/apps/hold/");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).isEqualTo("application at wsgi.hold at capacity (1 requests in progress)\n");
    assertThat(held).isNotDone();
  }

  @Test
  @DisplayName("a reloaded maxConnections and keep-alive clock hold for the connections that come next; one open before keeps its own")
  void connectionLimitsAndClocks(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    try (Socket before = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
      before.setSoTimeout(10_000);
      assertThat(exchange(before)).startsWith("HTTP/1.1 200");
      gateway.service().reload(gatewayConfig("limits: {maxConnections: 2}\ntimeouts: {keepAlive: 1s}"));
      try (Socket after = new Socket(InetAddress.getLoopbackAddress(), gateway.port());
           Socket third = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
        after.setSoTimeout(10_000);
        third.setSoTimeout(10_000);
        assertThat(third.getInputStream().read()).as("a third connection, over the reloaded limit of 2").isEqualTo(-1);
        assertThat(exchange(after)).startsWith("HTTP/1.1 200");
        // The keep-alive before the reload (60 s) is far beyond the 10 s read timeout: only the reloaded 1 s can close it.
        assertThat(after.getInputStream().read()).as("closed at the reloaded keep-alive timeout").isEqualTo(-1);
        assertThat(gateway.meters().connectionsClosed(ConnectionClose.KEEP_ALIVE)).isEqualTo(1);
      }
      // The connection from before the reload keeps the 60 s keep-alive it was made with.
      assertThat(exchange(before)).startsWith("HTTP/1.1 200");
    }
  }

  /** One GET /apps/hello/ on a kept-alive connection: the response head, its body read past by Content-Length. */
  private static String exchange(Socket socket) throws Exception {
    socket.getOutputStream().write("GET /apps/hello/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return head.toString();
      }
      head.append((char) b);
    }
    Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    if (length.find()) {
      in.readNBytes(Integer.parseInt(length.group(1)));
    }
    return head.toString();
  }
}
