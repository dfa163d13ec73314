package dev.switchboard.deploy.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The harness's own judgement, without a server: its oracles must be right before its findings can be trusted. */
class FuzzHarnessTest {

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  @DisplayName("an input depends only on the seed, the listener and its index")
  void inputsAreReproducible() {
    for (ListenerFuzzer fuzzer : List.of(new HttpFuzzer(1), new Http2Fuzzer(1), new BridgeFuzzer(1, 2),
        new EchoFuzzer("length", 1), new UdpFuzzer(1))) {
      FuzzInput first = fuzzer.generate(FuzzCampaign.inputRandom(42, fuzzer.name(), 7));
      fuzzer.generate(FuzzCampaign.inputRandom(42, fuzzer.name(), 8));
      FuzzInput again = fuzzer.generate(FuzzCampaign.inputRandom(42, fuzzer.name(), 7));
      assertThat(again.data()).as(fuzzer.name()).isEqualTo(first.data());
      assertThat(again.describe()).isEqualTo(first.describe());
    }
  }

  @Test
  @DisplayName("the echo model: every frame within maxFrameBytes comes back whole; from an over-long one, the good frames and an ERR line")
  void echoModel() {
    EchoFuzzer length = new EchoFuzzer("length", 1);
    byte[] good = length.encode(ascii("hello"));
    assertThat(length.expectedReply(good)).isEqualTo(good);
    byte[] partialHeaderAtEof = {0, 0};
    assertThat(length.expectedReply(partialHeaderAtEof)).isEqualTo(partialHeaderAtEof);
    byte[] tooLong = ByteBuffer.allocate(good.length + 4).put(good).putInt(EchoFuzzer.MAX_FRAME + 1).array();
    assertThat(new String(length.expectedReply(tooLong), StandardCharsets.ISO_8859_1))
        .isEqualTo("\u0000\u0000\u0000\u0005helloERR ");
    EchoFuzzer ascii = new EchoFuzzer("length-ascii", 1);
    assertThat(new String(ascii.expectedReply(ascii("00002hi0x0ffjunk")), StandardCharsets.ISO_8859_1)).isEqualTo("00002hiERR ");
    assertThat(ascii.expectedReply(ascii("00002hi0x"))).isEqualTo(ascii("00002hi0x"));
    EchoFuzzer line = new EchoFuzzer("line", 1);
    byte[] longLine = ascii("ok\n" + "x".repeat(EchoFuzzer.MAX_FRAME + 1));
    assertThat(new String(line.expectedReply(longLine), StandardCharsets.ISO_8859_1)).isEqualTo("ok\nERR ");
  }

  @Test
  @DisplayName("an ERROR with a trace is a failure named by logger and exception; a plain ERROR and a WARN with a trace are notes")
  void logScan() {
    List<LogScan.Problem> problems = new LogScan().scan(List.of(
        "2026-12-04T18:07:41.127Z ERROR [vert.x-eventloop-thread-1] ContextImpl - Unhandled exception",
        "java.lang.StackOverflowError",
        "\tat dev.switchboard.echo.OutputWindow.push(OutputWindow.java:1)",
        "2026-12-04T18:07:42.000Z ERROR [vert.x-eventloop-thread-3] ConnectionBase - recvAddress(..) failed: Connection reset by peer",
        "2026-12-04T18:07:43.000Z WARN  [vert.x-eventloop-thread-1] DefaultPromise - An exception was thrown",
        "java.lang.NullPointerException: stream is null",
        "\tat io.vertx.core.http.impl.Http2ConnectionBase.onConnectionError(Http2ConnectionBase.java:115)",
        "2026-12-04T18:07:44.000Z INFO  [main] Main - started"));
    assertThat(problems).hasSize(3);
    assertThat(problems.get(0).failure()).isTrue();
    assertThat(problems.get(0).signature()).isEqualTo("ContextImpl java.lang.StackOverflowError");
    assertThat(problems.get(0).suspects()).contains("echo-fixed");
    assertThat(problems.get(1).plainError()).isTrue();
    assertThat(problems.get(2).failure()).isFalse();
    assertThat(problems.get(2).plainError()).isFalse();
  }

  @Test
  @DisplayName("HTTP/1.x responses are read with their framing: pipelined, chunked, and a partial one ignored")
  void httpResponses() {
    List<HttpResponses.Response> responses = HttpResponses.parse(ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/"
        + "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nbad\r\n0\r\n\r\n"
        + "HTTP/1.1 500 Oops\r\nContent-Le"));
    assertThat(responses).containsExactly(new HttpResponses.Response(200, "HTTP/"), new HttpResponses.Response(400, "bad"));
  }

  @Test
  @DisplayName("a 5xx, a status the RFC rules out, and dot segments in PATH_INFO are violations; a documented 503 is not")
  void httpOracles() {
    FuzzInput plain = FuzzInput.of("x", ascii("GET / HTTP/1.1\r\n\r\n"));
    TcpExchange.Reply closed502 = new TcpExchange.Reply(ascii("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"),
        TcpExchange.End.CLOSED, 1);
    assertThat(HttpFuzzer.classify(plain, closed502).violation()).startsWith("5xx for client input");
    TcpExchange.Reply noApp = new TcpExchange.Reply(ascii("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 26\r\n\r\n"
        + "no application at wsgi.xx\n"), TcpExchange.End.CLOSED, 1);
    assertThat(HttpFuzzer.classify(plain, noApp).violation()).isNull();
    TcpExchange.Reply ok = new TcpExchange.Reply(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), TcpExchange.End.CLOSED, 1);
    assertThat(HttpFuzzer.classify(plain.withRule("400"), ok).violation()).isEqualTo("RFC requires 400 \u2014 got 200");
    TcpExchange.Reply closed505 = new TcpExchange.Reply(ascii("HTTP/1.1 505 No\r\nContent-Length: 0\r\n\r\n"),
        TcpExchange.End.CLOSED, 1);
    assertThat(HttpFuzzer.classify(plain.withRule("4xx|505"), closed505).violation()).isNull();
    assertThat(HttpFuzzer.hasDotSegment("/x/../../etc")).isTrue();
    assertThat(HttpFuzzer.hasDotSegment("/a/..b/c.d/...")).isFalse();
    assertThat(HttpFuzzer.pathInfo("{\"environ\":{\"PATH_INFO\":\"/../x\",\"SCRIPT_NAME\":\"/apps/echo\"}}")).isEqualTo("/../x");
  }
}
