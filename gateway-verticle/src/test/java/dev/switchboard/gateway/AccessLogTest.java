package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.switchboard.gateway.http.AccessLog;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
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

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AccessLogTest {

  @TempDir
  Path dir;

  private LogCapture lines;

  @BeforeEach
  void capture() {
    lines = LogCapture.of(AccessLog.LOGGER);
  }

  @AfterEach
  void release() {
    lines.close();
  }

  @Test
  @DisplayName("off by default: no access lines")
  void offByDefault(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    assertThat(gateway.get("/apps/hello/").statusCode()).isEqualTo(200);
    assertThat(lines.events()).isEmpty();
  }

  @Test
  @DisplayName("common: the Common Log Format line with the request id appended")
  void common(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "accessLog: common\n");
    gateway.send(gateway.request("/apps/hello/?q=1").header("X-Request-Id", "req-7").GET().build());
    Await.condition("the access line", Duration.ofSeconds(5), () -> !lines.events().isEmpty());
    assertThat(lines.events().get(0).getFormattedMessage())
        .matches("127\\.0\\.0\\.1 - - \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000\\] "
            + "\"GET /apps/hello/\\?q=1 HTTP/1\\.1\" 200 13 req-7");
  }

  @Test
  @DisplayName("json: one object per request, with status, bytes, route label and request id")
  void json(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "accessLog: json\n");
    gateway.get("/nowhere");
    Await.condition("the access line", Duration.ofSeconds(5), () -> !lines.events().isEmpty());
    JsonObject line = new JsonObject(lines.events().get(0).getFormattedMessage());
    assertThat(line.getInteger("status")).isEqualTo(404);
    assertThat(line.getString("route")).isEqualTo("unmatched");
    assertThat(line.getString("uri")).isEqualTo("/nowhere");
    assertThat(line.getString("requestId")).matches("[0-9a-f]{16}");
  }
}
