package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.meters.GatewayMeters.Failure;
import dev.switchboard.wsgi.Header;
import dev.switchboard.wsgi.WsgiApplications;
import dev.switchboard.wsgi.WsgiResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayErrorsTest {

  @TempDir
  Path dir;

  /** An application at wsgi.NAME that answers every request with this raw JSON. */
  private static void rawApp(Vertx vertx, String name, Object answer) throws Exception {
    vertx.eventBus().consumer("wsgi." + name, m -> m.reply(answer)).completion().await(5, TimeUnit.SECONDS);
  }

  private static JsonObject reply(String status, JsonArray headers, String base64Body) {
    return new JsonObject().put("status", status).put("headers", headers).put("body", base64Body);
  }

  @Test
  @DisplayName("an application's answer comes back with its status, reason, repeated headers in order, and body")
  void wellFormed(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    WsgiApplications.serve(vertx, "shop", request -> Future.succeededFuture(WsgiResponse.of("201 Made It",
        List.of(new Header("Set-Cookie", "a=1"), new Header("Set-Cookie", "b=2"), new Header("X-Shop", "open")),
        Buffer.buffer("made")))).completion().await(5, TimeUnit.SECONDS);
    HttpResponse<String> response = gateway.get("/apps/shop/cart");
    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().allValues("Set-Cookie")).containsExactly("a=1", "b=2");
    assertThat(response.headers().firstValue("X-Shop")).hasValue("open");
    assertThat(response.body()).isEqualTo("made");
  }

  @Test
  @DisplayName("invalid answers become 502 with a short plain body: bad status, bad headers, hop-by-hop, bad body, wrong length")
  void invalidReplies(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    rawApp(vertx, "s1", reply("OK", new JsonArray(), ""));
    rawApp(vertx, "s2", reply("100 Continue", new JsonArray(), ""));
    rawApp(vertx, "h1", reply("200 OK", new JsonArray().add(new JsonArray().add(7).add("x")), ""));
    rawApp(vertx, "h2", reply("200 OK", new JsonArray().add(new JsonArray().add("Connection").add("close")), ""));
    rawApp(vertx, "h3", reply("200 OK", new JsonArray().add(new JsonArray().add("X-Evil").add("a\r\nInjected: 1")), ""));
    rawApp(vertx, "h4", reply("200 OK", new JsonArray().add("not a pair"), ""));
    rawApp(vertx, "b1", reply("200 OK", new JsonArray(), "***"));
    rawApp(vertx, "b2", reply("200 OK", new JsonArray().add(new JsonArray().add("Content-Length").add("10")), "YWJj"));
    rawApp(vertx, "j1", "just a string");
    rawApp(vertx, "l1", reply("200 OK", new JsonArray().add(new JsonArray().add("Content-Length").add("3"))
        .add(new JsonArray().add("content-length").add("3")), "YWJj"));
    rawApp(vertx, "l2", new JsonObject().put("status", "200 OK").put("stream", "wsgi.stream.x")
        .put("headers", new JsonArray().add(new JsonArray().add("Content-Length").add("abc"))));
    for (String app : List.of("s1", "s2", "h1", "h2", "h3", "h4", "b1", "b2", "j1", "l1", "l2")) {
      HttpResponse<String> response = gateway.get("/apps/" + app + "/");
      assertThat(response.statusCode()).as(app).isEqualTo(502);
      assertThat(response.body()).as(app).isEqualTo("invalid answer from application at wsgi." + app + "\n");
      assertThat(response.headers().firstValue("Injected")).isEmpty();
    }
    assertThat(gateway.meters().failures(Failure.INVALID_REPLY)).isEqualTo(11);
  }

  @Test
  @DisplayName("no consumer is 503 at once; an application's failure is 502; a missing answer is 504 after the route timeout")
  void busFailures(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, """
        routes:
          - prefix: /slow
            address: wsgi.slow
            timeout: 300ms
        """);
    HttpResponse<String> none = gateway.get("/apps/absent/");
    assertThat(none.statusCode()).isEqualTo(503);
    assertThat(none.body()).isEqualTo("no application at wsgi.absent\n");

    WsgiApplications.serve(vertx, "broken", request -> {
      throw new IllegalStateException("secret internal detail");
    }).completion().await(5, TimeUnit.SECONDS);
    HttpResponse<String> broken = gateway.get("/apps/broken/");
    assertThat(broken.statusCode()).isEqualTo(502);
    assertThat(broken.body()).isEqualTo("application at wsgi.broken failed (code 500)\n").doesNotContain("secret");

    vertx.eventBus().consumer("wsgi.slow", m -> { }).completion().await(5, TimeUnit.SECONDS);
    long start = System.nanoTime();
    HttpResponse<String> slow = gateway.get("/slow/x");
    assertThat(slow.statusCode()).isEqualTo(504);
    assertThat(slow.body()).isEqualTo("application at wsgi.slow did not answer in time\n");
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
  }

  @Test
  @DisplayName("unknown route 404; method not allowed 405 with Allow; malformed path 400; body over the limit 413")
  void clientErrors(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, """
        maxBodyBytes: 8
        routes:
          - prefix: /read-only
            address: wsgi.echo
            methods: [GET, HEAD]
        """);
    assertThat(gateway.get("/nowhere").statusCode()).isEqualTo(404);
    assertThat(gateway.get("/apps/").statusCode()).as("no application name").isEqualTo(404);

    HttpResponse<String> post = gateway.send(gateway.request("/read-only/x").POST(HttpRequest.BodyPublishers.ofString("x")).build());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(gateway.get("/read-only/x").statusCode()).isEqualTo(200);

    HttpResponse<String> delete = gateway.send(gateway.request("/echo").DELETE().build());
    assertThat(delete.statusCode()).isEqualTo(405);
    assertThat(delete.headers().firstValue("Allow")).hasValue("POST");

    String malformed = gateway.raw("GET /apps/echo/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(malformed).startsWith("HTTP/1.1 400 ").contains("malformed request path");

    HttpResponse<String> large = gateway.send(gateway.request("/apps/echo/")
        .POST(HttpRequest.BodyPublishers.ofString("123456789")).build());
    assertThat(large.statusCode()).isEqualTo(413);
    assertThat(large.body()).isEqualTo("request body over 8 bytes\n");
    assertThat(gateway.meters().failures(Failure.BODY_TOO_LARGE)).isEqualTo(1);
  }

  @Test
  @DisplayName("after a 413 the HTTP/1.1 connection closes instead of reading the rest of the body")
  void tooLargeCloses(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "maxBodyBytes: 10\n");
    String response = gateway.raw("POST /apps/echo/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "14\r\n01234567890123456789\r\n");
    assertThat(response).startsWith("HTTP/1.1 413 ").containsIgnoringCase("connection: close");
  }

  @Test
  @DisplayName("a chunked body that grows past the limit is refused when it passes it")
  void chunkedTooLarge(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "maxBodyBytes: 1000\n");
    byte[] chunk = new byte[600];
    HttpResponse<String> response = gateway.send(gateway.request("/apps/echo/")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.SequenceInputStream(
            new java.io.ByteArrayInputStream(chunk), new java.io.ByteArrayInputStream(chunk)))).build());
    assertThat(response.statusCode()).isEqualTo(413);
  }
}
