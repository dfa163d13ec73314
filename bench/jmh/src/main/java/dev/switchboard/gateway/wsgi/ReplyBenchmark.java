package dev.switchboard.gateway.wsgi;

import dev.switchboard.wsgi.Header;
import dev.switchboard.wsgi.WsgiResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The gateway's side of an application's answer: the checks of {@link ReplyParser} (status, header syntax, base64
 * body, Content-Length) on an answer with 3 headers and a small body. In the gateway's package, since the parser is
 * not public.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReplyBenchmark {

  private JsonObject reply;

  @Setup
  public void build() {
    reply = WsgiResponse.of("200 OK", List.of(new Header("Content-Type", "text/html; charset=utf-8"),
        new Header("Cache-Control", "no-store"), new Header("Set-Cookie", "seen=1; Path=/; HttpOnly")),
        Buffer.buffer("<!doctype html><p>3 items in your cart</p>")).toJson();
  }

  @Benchmark
  public WsgiResponse replyToResponse() {
    return ReplyParser.parse(reply, false);
  }
}
