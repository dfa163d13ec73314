package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.switchboard.gateway.http.AccessLog;
import dev.switchboard.gateway.http.ClientAddress;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code gateway.trustedProxies}: the client's address and scheme from forwarding headers, seen through the built-in
 * echo application (which answers with the environ), the rate limiter and the access log. The test connects from
 * 127.0.0.1, which is a trusted proxy or not as each test configures.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TrustedProxiesTest {

  private static final String TRUSTED = "trustedProxies: [127.0.0.0/8, 10.0.0.0/8]\n";

  @TempDir
  Path dir;

  private static JsonObject environ(RunningGateway gateway, String... headers) throws Exception {
    HttpRequest.Builder request = gateway.request("/apps/echo/").GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return new JsonObject(gateway.send(request.build()).body()).getJsonObject("environ");
  }

  private static String remoteAddr(RunningGateway gateway, String... headers) throws Exception {
    return environ(gateway, headers).getString("REMOTE_ADDR");
  }

  @Test
  @DisplayName("X-Forwarded-For is walked from the right past trusted hops: the first untrusted one is the client")
  void forwardedForRecursive(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, TRUSTED);
    assertThat(remoteAddr(gateway, "X-Forwarded-For", "203.0.113.9")).isEqualTo("203.0.113.9");
    // What the client itself prepended (198.51.100.1) is never reached.
    assertThat(remoteAddr(gateway, "X-Forwarded-For", "198.51.100.1, 203.0.113.9, 10.0.0.1")).isEqualTo("203.0.113.9");
    assertThat(remoteAddr(gateway, "X-Forwarded-For", "garbage, 203.0.113.9")).isEqualTo("203.0.113.9");
    // Every hop trusted: the leftmost.
    assertThat(remoteAddr(gateway, "X-Forwarded-For", "10.0.0.2, 10.0.0.1")).isEqualTo("10.0.0.2");
    // Repeated headers count as one list.
    HttpRequest twice = gateway.request("/apps/echo/").header("X-Forwarded-For", "203.0.113.9")
        .header("X-Forwarded-For", "10.0.0.1").GET().build();
    assertThat(new JsonObject(gateway.send(twice).body()).getJsonObject("environ").getString("REMOTE_ADDR"))
        .isEqualTo("203.0.113.9");
    JsonObject withPort = environ(gateway, "X-Forwarded-For", "[2001:db8::7]:4711");
    assertThat(withPort.getString("REMOTE_ADDR")).isEqualTo("2001:db8:0:0:0:0:0:7");
    assertThat(withPort.getString("REMOTE_PORT")).isEqualTo("4711");
    assertThat(environ(gateway, "X-Forwarded-For", "203.0.113.9").getString("REMOTE_PORT")).isEmpty();
  }

  @Test
  @DisplayName("Forwarded (RFC 7239) wins over X-Forwarded-For; its for= and proto= give the address and the scheme")
  void forwarded(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, TRUSTED);
    JsonObject environ = environ(gateway,
        "Forwarded", "for=198.51.100.1;proto=http, for=\"[2001:db8:cafe::17]:4711\";proto=https;by=10.0.0.1, "
            + "For=10.0.0.3;Proto=http",
        "X-Forwarded-For", "192.0.2.1");
    assertThat(environ.getString("REMOTE_ADDR")).isEqualTo("2001:db8:cafe:0:0:0:0:17");
    assertThat(environ.getString("REMOTE_PORT")).isEqualTo("4711");
    assertThat(environ.getString("wsgi.url_scheme")).isEqualTo("https");
    assertThat(remoteAddr(gateway, "Forwarded", "for=\"192.0.2.60:80\"")).isEqualTo("192.0.2.60");
  }

  @Test
  @DisplayName("X-Forwarded-Proto sets wsgi.url_scheme (the rightmost value, http or https only)")
  void forwardedProto(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, TRUSTED);
    assertThat(environ(gateway).getString("wsgi.url_scheme")).isEqualTo("http");
    assertThat(environ(gateway, "X-Forwarded-Proto", "https").getString("wsgi.url_scheme")).isEqualTo("https");
    assertThat(environ(gateway, "X-Forwarded-Proto", "https, http").getString("wsgi.url_scheme")).isEqualTo("http");
    assertThat(environ(gateway, "X-Forwarded-Proto", "gopher").getString("wsgi.url_scheme")).isEqualTo("http");
  }

  @Test
  @DisplayName("a malformed header reached in the walk is ignored: the peer stays the client, and a DEBUG line says so")
  void malformedIgnored(Vertx vertx) throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(ClientAddress.class);
    Level before = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    try (LogCapture lines = LogCapture.of(ClientAddress.class.getName())) {
      RunningGateway gateway = RunningGateway.start(vertx, dir, TRUSTED);
      for (String value : new String[] {"not-an-address", "203.0.113.9, 10.0.0.1:99999", "1.2.3", "unknown",
          "203.0.113.9,", "[2001:db8::1"}) {
        assertThat(remoteAddr(gateway, "X-Forwarded-For", value)).as(value).isEqualTo("127.0.0.1");
      }
      for (String value : new String[] {"for=unknown", "for=_hidden", "by=10.0.0.1", "for=203.0.113.9;proto=ftp",
          "for", "for=\"[::1\""}) {
        assertThat(remoteAddr(gateway, "Forwarded", value)).as(value).isEqualTo("127.0.0.1");
      }
      assertThat(environ(gateway, "X-Forwarded-Proto", "gopher").getString("wsgi.url_scheme")).isEqualTo("http");
      Await.condition("the DEBUG lines", Duration.ofSeconds(5), () -> lines.events().size() >= 13);
      assertThat(lines.events()).allSatisfy(e -> {
        assertThat(e.getLevel()).isEqualTo(Level.DEBUG);
        assertThat(e.getFormattedMessage()).contains("from trusted proxy 127.0.0.1");
      });
    } finally {
      logger.setLevel(before);
    }
  }

  @Test
  @DisplayName("from an untrusted peer, spoofed forwarding headers change nothing")
  void untrustedPeer(Vertx vertx) throws Exception {
    for (String yaml : new String[] {"", "trustedProxies: [10.0.0.0/8, \"::1/128\"]\n"}) {
      RunningGateway gateway = RunningGateway.start(vertx, dir, yaml);
      JsonObject environ = environ(gateway, "X-Forwarded-For", "203.0.113.9", "Forwarded", "for=198.51.100.1;proto=https",
          "X-Forwarded-Proto", "https");
      assertThat(environ.getString("REMOTE_ADDR")).as(yaml).isEqualTo("127.0.0.1");
      assertThat(environ.getString("REMOTE_PORT")).as(yaml).matches("\\d+");
      assertThat(environ.getString("wsgi.url_scheme")).as(yaml).isEqualTo("http");
      // The headers themselves still reach the application, as any other header.
      assertThat(environ.getString("HTTP_X_FORWARDED_FOR")).as(yaml).isEqualTo("203.0.113.9");
    }
  }

  @Test
  @DisplayName("the rate limiter counts the forwarded client, not the proxy")
  void rateLimitPerClient(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, TRUSTED
        + "limits: {rateLimit: {perSecond: 1, burst: 1}}\n");
    int first = gateway.send(gateway.request("/apps/hello/").header("X-Forwarded-For", "203.0.113.1").GET().build())
        .statusCode();
    int second = gateway.send(gateway.request("/apps/hello/").header("X-Forwarded-For", "203.0.113.2").GET().build())
        .statusCode();
    int again = gateway.send(gateway.request("/apps/hello/").header("X-Forwarded-For", "203.0.113.1").GET().build())
        .statusCode();
    assertThat(first).isEqualTo(200);
    assertThat(second).as("another client behind the same proxy").isEqualTo(200);
    assertThat(again).as("the first client again within its second").isEqualTo(429);
  }

  @Test
  @DisplayName("the access log names the forwarded client")
  void accessLog(Vertx vertx) throws Exception {
    try (LogCapture lines = LogCapture.of(AccessLog.LOGGER)) {
      RunningGateway gateway = RunningGateway.start(vertx, dir, TRUSTED + "accessLog: common\n");
      gateway.send(gateway.request("/apps/hello/").header("X-Forwarded-For", "203.0.113.5").GET().build());
      Await.condition("the access line", Duration.ofSeconds(5), () -> !lines.events().isEmpty());
      assertThat(lines.events().get(0).getFormattedMessage()).startsWith("203.0.113.5 - - [");
    }
  }
}
