package dev.switchboard.gateway.wsgi;

import dev.switchboard.bus.JsonViewCodec;
import dev.switchboard.wsgi.Header;
import dev.switchboard.wsgi.WsgiCodecs;
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
 * body, Content-Length) on an answer with 3 headers and a small body, as JSON (from a bridge client or another node)
 * and as the object a Java application in the same JVM hands over through its codec. In the gateway's package, since
 * the parser is not public.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReplyBenchmark {

  private final JsonViewCodec<WsgiResponse> codec = new JsonViewCodec<>(WsgiCodecs.RESPONSE, WsgiResponse::toJson);
  private WsgiResponse answer;
  private JsonObject reply;

  @Setup
  public void build() {
    answer = WsgiResponse.of("200 OK", List.of(new Header("Content-Type", "text/html; charset=utf-8"),
        new Header("Cache-Control", "no-store"), new Header("Set-Cookie", "seen=1; Path=/; HttpOnly")),
        Buffer.buffer("<!doctype html><p>3 items in your cart</p>"));
    reply = answer.toJson();
  }

  /** An answer that came as JSON: read and checked. */
  @Benchmark
  public WsgiResponse replyToResponse() {
    return ReplyParser.parse(reply, false);
  }

  /** The local fast path: the application's own object, as the bus delivers it in this JVM, checked. */
  @Benchmark
  public WsgiResponse localReplyToResponse() {
    return ReplyParser.parse(codec.transform(answer), false);
  }

  /** What the application's side of the JSON path cost on top: its answer made into the JSON message. */
  @Benchmark
  public JsonObject responseToMessage() {
    return answer.toJson();
  }
}
