package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The environ the gateway sends, seen through the built-in echo application, which answers with it. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EnvironContractTest {

  @TempDir
  Path dir;

  private static JsonObject environ(String responseBody) {
    return new JsonObject(responseBody).getJsonObject("environ");
  }

  @Test
  @DisplayName("every PEP 3333 key is present, with CGI header mangling, repeats joined, and the body in base64")
  void everyKey(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    String body = gateway.rawBody("POST /apps/echo/a/b?x=1&y=%20 HTTP/1.1\r\n"
        + "Host: example.test:8080\r\n"
        + "Content-Type: application/octet-stream\r\n"
        + "Content-Length: 4\r\n"
        + "X-Forwarded-For: 10.0.0.1\r\n"
        + "X-Forwarded-For: 10.0.0.2\r\n"
        + "Cookie: a=1\r\n"
        + "Cookie: b=2\r\n"
        + "X_Forged: sneaky\r\n"
        + "Connection: close\r\n\r\n"
        + "\u0000\u00ff\r\n");
    JsonObject environ = environ(body);
    assertThat(environ.getString("REQUEST_METHOD")).isEqualTo("POST");
    assertThat(environ.getString("SCRIPT_NAME")).isEqualTo("/apps/echo");
    assertThat(environ.getString("PATH_INFO")).isEqualTo("/a/b");
    assertThat(environ.getString("QUERY_STRING")).isEqualTo("x=1&y=%20");
    assertThat(environ.getString("CONTENT_TYPE")).isEqualTo("application/octet-stream");
    assertThat(environ.getString("CONTENT_LENGTH")).isEqualTo("4");
    assertThat(environ.getString("SERVER_NAME")).isEqualTo("example.test");
    assertThat(environ.getString("SERVER_PORT")).isEqualTo(String.valueOf(gateway.port()));
    assertThat(environ.getString("SERVER_PROTOCOL")).isEqualTo("HTTP/1.1");
    assertThat(environ.getString("REMOTE_ADDR")).isEqualTo("127.0.0.1");
    assertThat(Integer.parseInt(environ.getString("REMOTE_PORT"))).isPositive();
    assertThat(environ.getString("HTTP_HOST")).isEqualTo("example.test:8080");
    assertThat(environ.getString("HTTP_X_FORWARDED_FOR")).isEqualTo("10.0.0.1, 10.0.0.2");
    assertThat(environ.getString("HTTP_COOKIE")).isEqualTo("a=1; b=2");
    assertThat(environ.getString("wsgi.url_scheme")).isEqualTo("http");
    assertThat(environ.getString("switchboard.request_id")).isNotBlank();
    assertThat(environ.containsKey("HTTP_CONTENT_TYPE")).isFalse();
    assertThat(environ.containsKey("HTTP_CONTENT_LENGTH")).isFalse();
    assertThat(environ.fieldNames()).as("a header with _ in its name is dropped").noneMatch(k -> k.contains("FORGED"));
    assertThat(gateway.meters().headersDropped()).isEqualTo(1);
    assertThat(Base64.getDecoder().decode(new JsonObject(body).getString("body")))
        .containsExactly(0, 0xFF, '\r', '\n');
  }

  @Test
  @DisplayName("a non-ASCII path is percent-decoded to bytes, one character each (PEP 3333); the query stays raw")
  void nonAsciiPath(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    HttpResponse<String> response = gateway.get("/apps/echo/caf%C3%A9/%E2%82%AC%20x?q=caf%C3%A9&r=%E2%82%AC");
    JsonObject answer = new JsonObject(response.body());
    assertThat(answer.getJsonObject("environ").getString("PATH_INFO")).isEqualTo("/caf\u00c3\u00a9/\u00e2\u0082\u00ac x");
    assertThat(answer.getString("path")).as("read as UTF-8 by the Java helper").isEqualTo("/café/€ x");
    assertThat(answer.getString("query")).isEqualTo("q=caf%C3%A9&r=%E2%82%AC");
  }

  @Test
  @DisplayName("no body is an empty CONTENT_LENGTH and an empty body; the app root has an empty PATH_INFO")
  void emptyBody(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    JsonObject answer = new JsonObject(gateway.rawBody("GET /apps/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    assertThat(answer.getJsonObject("environ").getString("CONTENT_LENGTH")).isEmpty();
    assertThat(answer.getJsonObject("environ").getString("PATH_INFO")).isEmpty();
    assertThat(answer.getString("body")).isEmpty();
  }

  @Test
  @DisplayName("binary request bodies of every byte value arrive intact")
  void binaryBody(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    byte[] every = new byte[256 * 4];
    for (int i = 0; i < every.length; i++) {
      every[i] = (byte) i;
    }
    HttpResponse<String> response = gateway.send(gateway.request("/apps/echo/")
        .POST(HttpRequest.BodyPublishers.ofByteArray(every)).build());
    assertThat(Base64.getDecoder().decode(new JsonObject(response.body()).getString("body"))).isEqualTo(every);
  }

  @Test
  @DisplayName("HEAD goes to the application as HEAD; the client gets the headers and length, no body")
  void head(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    HttpResponse<String> response = gateway.send(gateway.request("/apps/hello/").method("HEAD",
        HttpRequest.BodyPublishers.noBody()).build());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Length")).hasValue("13");
    assertThat(response.body()).isEmpty();
  }

  @Test
  @DisplayName("the request id: a client's X-Request-Id is kept, else one is made; both come back and reach the app")
  void requestIds(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    HttpResponse<String> given = gateway.send(gateway.request("/apps/echo/").header("X-Request-Id", "trace-42").GET().build());
    assertThat(given.headers().firstValue("X-Request-Id")).hasValue("trace-42");
    assertThat(environ(given.body()).getString("switchboard.request_id")).isEqualTo("trace-42");
    HttpResponse<String> made = gateway.get("/apps/echo/");
    assertThat(made.headers().firstValue("X-Request-Id")).get().asString().matches("[0-9a-f]{16}");
    HttpResponse<String> unsafe = gateway.send(gateway.request("/nothing").header("X-Request-Id", "bad id with spaces").GET().build());
    assertThat(unsafe.headers().firstValue("X-Request-Id")).get().asString().matches("[0-9a-f]{16}");
  }
}
