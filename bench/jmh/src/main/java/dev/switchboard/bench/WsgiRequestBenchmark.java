package dev.switchboard.bench;

import dev.switchboard.bus.JsonViewCodec;
import dev.switchboard.wsgi.WsgiCodecs;
import dev.switchboard.wsgi.WsgiRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The conversions of one gateway request (docs/wsgi-over-bus.md): environ to bus message and back, the copy a local
 * delivery of that message makes, the JSON text that travels when the application is on another node or behind the
 * TCP bridge, and the local fast path that replaces the first three in one JVM ({@link JsonViewCodec}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WsgiRequestBenchmark {

  /** A browser's GET with 8 headers, or a form POST with a 1 KiB body. */
  @Param({"get", "post"})
  public String request;

  private final JsonViewCodec<WsgiRequest> codec = new JsonViewCodec<>(WsgiCodecs.REQUEST, WsgiRequest::toJson);
  private WsgiRequest wsgiRequest;
  private JsonObject requestMessage;

  @Setup
  public void build() {
    boolean post = request.equals("post");
    Map<String, String> environ = new LinkedHashMap<>();
    environ.put("REQUEST_METHOD", post ? "POST" : "GET");
    environ.put("SCRIPT_NAME", "/apps/shop");
    environ.put("PATH_INFO", "/cart/items");
    environ.put("QUERY_STRING", post ? "" : "page=2&sort=price");
    environ.put("CONTENT_TYPE", post ? "application/x-www-form-urlencoded" : "");
    environ.put("CONTENT_LENGTH", post ? "1024" : "");
    environ.put("SERVER_NAME", "shop.example");
    environ.put("SERVER_PORT", "8080");
    environ.put("SERVER_PROTOCOL", "HTTP/1.1");
    environ.put("REMOTE_ADDR", "127.0.0.1");
    environ.put("REMOTE_PORT", "51234");
    environ.put("HTTP_HOST", "shop.example:8080");
    environ.put("HTTP_USER_AGENT", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
    environ.put("HTTP_ACCEPT", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    environ.put("HTTP_ACCEPT_LANGUAGE", "en-GB,en;q=0.5");
    environ.put("HTTP_ACCEPT_ENCODING", "gzip, deflate, br");
    environ.put("HTTP_COOKIE", "session=8f14e45fceea167a5a36dedd4bea2543; theme=dark");
    environ.put("HTTP_CONNECTION", "keep-alive");
    environ.put("HTTP_REFERER", "http://shop.example:8080/cart");
    environ.put("wsgi.url_scheme", "http");
    environ.put("switchboard.request_id", "9c1e4f2a7b3d5e60");
    Buffer body = Buffer.buffer();
    if (post) {
      for (int i = 0; i < 1024; i++) {
        body.appendByte((byte) ('a' + i % 26));
      }
    }
    wsgiRequest = new WsgiRequest(environ, body);
    requestMessage = wsgiRequest.toJson();
  }

  /** The gateway's side: the request as the bus message. */
  @Benchmark
  public JsonObject requestToMessage() {
    return wsgiRequest.toJson();
  }

  /** A Java application's side: the message read back into a request. */
  @Benchmark
  public WsgiRequest messageToRequest() {
    return WsgiRequest.fromJson(requestMessage);
  }

  /** What a local delivery costs on top: the event bus copies a JsonObject for each local consumer. */
  @Benchmark
  public JsonObject localDeliveryCopy() {
    return requestMessage.copy();
  }

  /** The local fast path: the request handed to a Java application in this JVM through its codec, and taken back. */
  @Benchmark
  public WsgiRequest localObjectDelivery() {
    return WsgiRequest.from(codec.transform(wsgiRequest));
  }

  /** The codec's path between nodes: the request written as its JSON into the cluster's frame, and read back. */
  @Benchmark
  public JsonObject wireRoundTrip() {
    Buffer frame = Buffer.buffer(1024);
    codec.encodeToWire(frame, wsgiRequest);
    return codec.decodeFromWire(0, frame);
  }

  /** What crosses the cluster or the TCP bridge: the message as JSON text, and read back. */
  @Benchmark
  public JsonObject jsonTextRoundTrip() {
    return new JsonObject(requestMessage.encode());
  }

}
