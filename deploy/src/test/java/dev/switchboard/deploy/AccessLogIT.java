package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.IntegrationTest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The access log of the assembled jar, as its output shows it: the line alone, on its own appender. */
@IntegrationTest
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessLogIT {

  private static final Duration START = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  @DisplayName("a request behind a trusted proxy gives exactly one CLF line, with no log prefix, naming the client")
  void plainCommonLogLine() throws Exception {
    Map<String, String> env = Map.of("SWITCHBOARD_ROLES", "gateway", "SWITCHBOARD_GATEWAY_PORT", "0",
        "SWITCHBOARD_GATEWAY_ACCESS_LOG", "common", "SWITCHBOARD_GATEWAY_TRUSTED_PROXIES", "127.0.0.0/8");
    try (RunningJar jar = RunningJar.start(env, "--instances", "1")) {
      Matcher listener = jar.awaitLine("gateway listener http \\(http\\) on 127\\.0\\.0\\.1:(\\d+)$", START);
      jar.awaitLine(" started$", START);
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + listener.group(1) + "/apps/hello/?q=1"))
          .header("X-Forwarded-For", "198.51.100.4, 203.0.113.7").header("X-Request-Id", "it-access-1")
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);

      // The first line naming the request is the access line, whole; none follows it.
      Matcher first = jar.awaitLine("^.*it-access-1.*$", Duration.ofSeconds(10));
      assertThat(first.group()).matches("203\\.0\\.113\\.7 - - \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000\\] "
          + "\"GET /apps/hello/\\?q=1 HTTP/1\\.1\" 200 13 it-access-1");
      jar.terminate();
      assertThat(jar.awaitExit(Duration.ofSeconds(10))).isIn(0, 143);
      assertThat(jar.remainingLines(Duration.ofSeconds(2))).as("the line once, never also with the logger's prefix")
          .noneMatch(l -> l.contains("it-access-1"));
    }
  }

  @Test
  @DisplayName("with config/logback-access-file.xml the access lines go to the file alone, the other lines to stdout")
  void toFile() throws Exception {
    Path file = dir.resolve("access.log");
    Path config = Path.of("config", "logback-access-file.xml").toAbsolutePath();
    Map<String, String> env = Map.of("SWITCHBOARD_ROLES", "gateway", "SWITCHBOARD_GATEWAY_PORT", "0",
        "SWITCHBOARD_GATEWAY_ACCESS_LOG", "json", "ACCESS_LOG_FILE", file.toString(),
        "JAVA_TOOL_OPTIONS", "-Dlogback.configurationFile=" + config);
    try (RunningJar jar = RunningJar.start(env, "--instances", "1")) {
      Matcher listener = jar.awaitLine("gateway listener http \\(http\\) on 127\\.0\\.0\\.1:(\\d+)$", START);
      jar.awaitLine(" started$", START);
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + listener.group(1) + "/nowhere"))
          .header("X-Request-Id", "it-access-2").timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(404);
      jar.terminate();
      assertThat(jar.awaitExit(Duration.ofSeconds(10))).isIn(0, 143);
      assertThat(jar.remainingLines(Duration.ofSeconds(2))).as("stdout").anyMatch(l -> l.endsWith(" stopped"))
          .noneMatch(l -> l.startsWith("{"));
      List<String> lines = Files.readAllLines(file);
      assertThat(lines).singleElement().satisfies(line -> {
        JsonObject access = new JsonObject(line);
        assertThat(access.getString("requestId")).isEqualTo("it-access-2");
        assertThat(access.getInteger("status")).isEqualTo(404);
        assertThat(access.getString("remote")).isEqualTo("127.0.0.1");
      });
    }
  }
}