package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.switchboard.bridge.BridgeMeters.Refusal;
import dev.switchboard.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Frames the bridge cannot act on: each gets an error frame, is logged without a stack trace, and costs nothing more. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeFrameTest {

  private LogCapture lines;

  @BeforeEach
  void capture() {
    lines = LogCapture.all();
  }

  @AfterEach
  void release() {
    lines.close();
  }

  static Stream<Arguments> badFrames() {
    return Stream.of(
        Arguments.of("{\"type\":\"foo\",\"address\":\"echo.request\"}", "unknown_type"),
        Arguments.of("{\"type\":1,\"address\":\"echo.request\"}", "invalid_frame"),
        Arguments.of("{\"address\":\"echo.request\",\"body\":1}", "invalid_frame"),
        Arguments.of("{\"type\":\"send\",\"address\":\"echo.request\",\"headers\":\"x\"}", "invalid_frame"),
        Arguments.of("{\"type\":\"send\",\"address\":\"echo.request\",\"headers\":{\"n\":1}}", "invalid_frame"),
        Arguments.of("{\"type\":\"send\",\"address\":\"echo.request\",\"headers\":{\"timeout\":\"soon\"}}", "invalid_frame"),
        Arguments.of("{\"type\":\"send\",\"address\":\"echo.request\",\"headers\":{\"codecName\":\"nope\"}}", "invalid_frame"),
        Arguments.of("{\"type\":\"send\",\"address\":\"echo.request\",\"body\":123456789012345678901234567890}", "invalid_frame"),
        Arguments.of("{\"type\":\"send\",\"address\":\"echo.request\",\"replyAddress\":5,\"body\":1}", "invalid_frame"),
        Arguments.of("{\"type\":\"send\",\"address\":\"echo.request\",\"failureCode\":\"x\"}", "invalid_frame"),
        Arguments.of("{\"type\":\"send\",\"body\":1}", "missing_address"),
        Arguments.of("{\"type\":\"send\",\"address\":7,\"body\":1}", "invalid_frame"),
        Arguments.of("{\"type\":\"register\",\"address\":[\"wsgi.x\"]}", "invalid_frame"),
        Arguments.of("{\"type\":\"ping\",\"address\":{}}", "invalid_frame"),
        Arguments.of("not json", "invalid_json"),
        Arguments.of("{\"type\":\"send\",\"address\":\"echo.request\",\"body\":NaN}", "invalid_json"),
        Arguments.of("[\"send\"]", "invalid_json"),
        Arguments.of("[".repeat(5000) + "]".repeat(5000), "invalid_json"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFrames")
  @DisplayName("a frame the bridge cannot act on gets an error frame, and the connection answers the next request")
  void badFrameGetsAnError(String payload, String code, Vertx vertx) throws Exception {
    RunningBridge bridge = RunningBridge.start(vertx);
    vertx.eventBus().consumer("echo.request", m -> m.reply(m.body())).completion().await(5, TimeUnit.SECONDS);
    try (BridgeClient client = BridgeClient.connect(bridge.port())) {
      client.sendRaw(payload.getBytes(StandardCharsets.UTF_8));
      JsonObject err = client.receive();
      assertThat(err.getString("type")).isEqualTo("err");
      assertThat(err.getString("message")).isEqualTo(code);
      client.send(new JsonObject().put("type", "send").put("address", "echo.request").put("replyAddress", "r1").put("body", "ok"));
      assertThat(client.receive().getString("body")).isEqualTo("ok");
    }
    assertThat(bridge.meters().refused(Refusal.INVALID_FRAME)).isEqualTo(1);
  }

  @Test
  @DisplayName("bytes that are not UTF-8 are refused, not turned into replacement characters")
  void notUtf8(Vertx vertx) throws Exception {
    RunningBridge bridge = RunningBridge.start(vertx);
    try (BridgeClient client = BridgeClient.connect(bridge.port())) {
      byte[] frame = "{\"type\":\"ping\",\"x\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
      client.sendRaw(frame);
      assertThat(client.receive().getString("message")).isEqualTo("invalid_json");
      client.roundTrip();
    }
  }

  @Test
  @DisplayName("after a bad frame the connection still reads and answers: 20,000 pings behind it are all answered")
  void noWedge(Vertx vertx) throws Exception {
    RunningBridge bridge = RunningBridge.start(vertx);
    try (BridgeClient client = BridgeClient.connect(bridge.port())) {
      client.sendRaw("{\"type\":\"foo\"}".getBytes(StandardCharsets.UTF_8));
      byte[] ping = new JsonObject().put("type", "ping").encode().getBytes(StandardCharsets.UTF_8);
      Thread writer = new Thread(() -> {
        try {
          for (int i = 0; i < 20_000; i++) {
            client.out().writeInt(ping.length);
            client.out().write(ping);
          }
          client.out().flush();
        } catch (java.io.IOException ignored) {
          // the reader below fails the test
        }
      });
      writer.start();
      assertThat(client.receive().getString("message")).isEqualTo("unknown_type");
      for (int i = 0; i < 20_000; i++) {
        assertThat(client.receive().getString("type")).isEqualTo("pong");
      }
      writer.join(10_000);
    }
  }

  @Test
  @DisplayName("a flood of bad JSON, NaN and deep nesting logs no ERROR and no stack trace, at most one WARN line")
  void badInputLogsQuietly(Vertx vertx) throws Exception {
    RunningBridge bridge = RunningBridge.start(vertx);
    List<String> payloads = List.of("not json", "{\"type\":\"ping\",\"n\":NaN}", "[".repeat(5000) + "]".repeat(5000));
    try (BridgeClient client = BridgeClient.connect(bridge.port())) {
      for (int round = 0; round < 20; round++) {
        for (String payload : payloads) {
          client.sendRaw(payload.getBytes(StandardCharsets.UTF_8));
        }
      }
      // Whatever answers the bad frames get, the ping's pong comes after them: everything has been handled.
      client.send(new JsonObject().put("type", "ping"));
      JsonObject answer;
      do {
        answer = client.receive();
      } while (!"pong".equals(answer.getString("type")));
    }
    assertThat(lines.events()).noneMatch(e -> e.getLevel() == Level.ERROR);
    assertThat(lines.events()).noneMatch(e -> e.getThrowableProxy() != null);
    assertThat(lines.events().stream().filter(e -> e.getLevel() == Level.WARN)).hasSizeLessThanOrEqualTo(1);
  }
}
