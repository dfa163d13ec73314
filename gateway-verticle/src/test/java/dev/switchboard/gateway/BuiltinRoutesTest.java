package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code gateway.builtinRoutes}: the gateway's own routes moved, switched off, and an application mounted at /. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BuiltinRoutesTest {

  @TempDir
  Path dir;

  private static HttpResponse<String> post(RunningGateway gateway, String path) throws Exception {
    return gateway.send(gateway.request(path).POST(HttpRequest.BodyPublishers.ofString("x")).build());
  }

  @Test
  @DisplayName("a moved route answers at its new path, and its old path is 404")
  void moved(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, """
        builtinRoutes: {health: /_/health, dashboard: /_/dashboard, echo: /_/echo}
        """);
    assertThat(gateway.get("/_/health/live").statusCode()).isEqualTo(204);
    assertThat(gateway.get("/_/health/ready").statusCode()).as("no checks registered here").isEqualTo(204);
    assertThat(gateway.get("/health/live").statusCode()).isEqualTo(404);
    assertThat(gateway.get("/health/ready").body()).isEqualTo("no route for /health/ready\n");

    HttpResponse<String> base = gateway.get("/_/dashboard");
    assertThat(base.statusCode()).isEqualTo(302);
    assertThat(base.headers().firstValue("Location")).hasValue("/_/dashboard/");
    HttpResponse<String> page = gateway.get("/_/dashboard/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("dashboard.js");
    assertThat(gateway.get("/_/dashboard/dashboard.js").statusCode()).isEqualTo(200);
    assertThat(gateway.get("/_/dashboard/other.txt").statusCode()).isEqualTo(404);
    assertThat(gateway.get("/").statusCode()).isEqualTo(404);
    assertThat(gateway.get("/index.html").statusCode()).isEqualTo(404);

    // No echo service in this test: the moved route reaches the bus (503), the old path reaches no route (404).
    assertThat(post(gateway, "/_/echo").statusCode()).isEqualTo(503);
    assertThat(post(gateway, "/echo").body()).isEqualTo("no route for /echo\n");
  }

  @Test
  @DisplayName("a route switched off is 404, like any path without a route")
  void off(Vertx vertx) throws Exception {
    RunningGateway defaults = RunningGateway.start(vertx, dir, "");
    assertThat(defaults.get("/health/live").statusCode()).isEqualTo(204);
    assertThat(defaults.get("/").statusCode()).isEqualTo(200);
    assertThat(post(defaults, "/udp/send").statusCode()).isNotEqualTo(404);

    RunningGateway gateway = RunningGateway.start(vertx, dir, """
        builtinRoutes: {dashboard: "off", metrics: "off", health: "off", events: "off", echo: "off", udpSend: "off"}
        """);
    for (String path : new String[] {"/", "/index.html", "/dashboard.js", "/metrics", "/health/live", "/health/ready",
        "/events"}) {
      HttpResponse<String> response = gateway.get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.body()).as(path).isEqualTo("no route for " + path + "\n");
    }
    assertThat(post(gateway, "/echo").statusCode()).isEqualTo(404);
    assertThat(post(gateway, "/udp/send").statusCode()).isEqualTo(404);
    assertThat(gateway.get("/apps/hello/").statusCode()).as("applications are unaffected").isEqualTo(200);
  }

  @Test
  @DisplayName("with the dashboard off, an application mounted at / gets every path no built-in route keeps")
  void applicationAtRoot(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, """
        builtinRoutes: {dashboard: "off", echo: "off", metrics: /_/metrics}
        routes:
          - prefix: /
            address: wsgi.echo
        """);
    JsonObject root = new JsonObject(gateway.get("/").body()).getJsonObject("environ");
    assertThat(root.getString("SCRIPT_NAME")).isEmpty();
    assertThat(root.getString("PATH_INFO")).isEqualTo("/");
    for (String path : new String[] {"/index.html", "/metrics", "/about/us?x=1"}) {
      HttpResponse<String> response = gateway.get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(new JsonObject(response.body()).getJsonObject("environ").getString("PATH_INFO")).as(path)
          .isEqualTo(path.replaceFirst("\\?.*", ""));
    }
    HttpResponse<String> echo = post(gateway, "/echo");
    assertThat(echo.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(echo.body()).getJsonObject("environ").getString("REQUEST_METHOD")).isEqualTo("POST");
    assertThat(gateway.get("/health/live").statusCode()).as("built-in routes still come first").isEqualTo(204);
  }
}
