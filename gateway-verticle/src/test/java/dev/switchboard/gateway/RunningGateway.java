package dev.switchboard.gateway;

import dev.switchboard.bus.Requester;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.gateway.meters.GatewayMeters;
import dev.switchboard.gateway.http.RouteLabels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A gateway deployed for one test on an ephemeral port, with its meters and a plain JDK HTTP client. */
record RunningGateway(int port, GatewayMeters meters, GatewayService service, HttpClient client) {

  /** Configured as a user would, from YAML under {@code gateway:} (may be empty); the port is always 0. */
  static RunningGateway start(Vertx vertx, Path dir, String gatewayYaml) throws Exception {
    Path file = dir.resolve("gateway-" + System.nanoTime() + ".yaml");
    Files.writeString(file, "gateway:\n  port: 0\n" + gatewayYaml.indent(2));
    GatewayConfig config = ConfigLoader.load(file, new OverrideSource(Map.of(), Map.of(), Map.of())).gateway();
    GatewayMeters meters = new GatewayMeters(new SimpleMeterRegistry(), RouteLabels.all(config));
    GatewayService service = new GatewayService(vertx, config, meters, io.vertx.ext.healthchecks.HealthChecks.create(vertx),
        Requester.local(vertx));
    int port = service.deploy(1).await(10, TimeUnit.SECONDS).get(0).port();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    return new RunningGateway(port, meters, service, client);
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10));
  }

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return send(request(pathAndQuery).GET().build());
  }

  /**
   * Sends raw HTTP/1.1 bytes (the test controls every byte, even ones a client library would refuse) and returns
   * the whole response as text, read until the server closes; the request should say {@code Connection: close}.
   */
  String raw(String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** The body of a raw exchange. */
  String rawBody(String request) throws IOException {
    String response = raw(request);
    return response.substring(response.indexOf("\r\n\r\n") + 4);
  }
}
