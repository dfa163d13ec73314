package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.meters.GatewayMeters.Failure;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.ChildProcess;
import dev.switchboard.testing.IntegrationTest;
import dev.switchboard.wsgi.Header;
import dev.switchboard.wsgi.ResponseStream;
import dev.switchboard.wsgi.WsgiApplications;
import dev.switchboard.wsgi.WsgiBus;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamingTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  static byte patternAt(long offset) {
    return (byte) ((offset * 2654435761L) >>> 13);
  }

  /**
   * An application at wsgi.NAME that streams {@code total} pattern bytes as fast as the stream lets it, honouring
   * writeQueueFull/drain as any Vert.x producer would; {@code written} counts what it handed to the stream (one
   * request per application).
   */
  private static void patternApp(Vertx vertx, String name, long total, boolean declareLength, AtomicLong written,
                                 CompletableFuture<String> cancelled) throws Exception {
    WsgiApplications.serveStreaming(vertx, name, (request, response) -> {
      List<Header> headers = declareLength
          ? List.of(new Header("Content-Type", "application/octet-stream"), new Header("Content-Length", String.valueOf(total)))
          : List.of(new Header("Content-Type", "application/octet-stream"));
      ResponseStream out = response.stream("200 OK", headers);
      out.cancelHandler(cancelled::complete);
      new Runnable() {
        @Override
        public void run() {
          while (written.get() < total && !out.writeQueueFull()) {
            int size = (int) Math.min(WsgiBus.MAX_CHUNK_BYTES, total - written.get());
            byte[] chunk = new byte[size];
            for (int i = 0; i < size; i++) {
              chunk[i] = patternAt(written.get() + i);
            }
            written.addAndGet(size);
            out.write(Buffer.buffer(chunk));
          }
          if (written.get() < total) {
            out.drainHandler(v -> run());
          } else {
            out.end();
          }
        }
      }.run();
    }).completion().await(5, TimeUnit.SECONDS);
  }

  @Test
  @IntegrationTest
  @DisplayName("100 MB streamed to a deliberately slow client: byte-exact, and the gateway never holds more than credit x chunk plus one write queue")
  void hundredMegabytesToASlowClient(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "stream: {credit: 4}\n");
    long total = 100L << 20;
    AtomicLong written = new AtomicLong();
    patternApp(vertx, "big", total, true, written, new CompletableFuture<>());

    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
      socket.setSoTimeout(10_000);
      socket.setReceiveBufferSize(64 * 1024);
      socket.getOutputStream().write("GET /apps/big/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200 OK").contains("Content-Length: " + total);

      // Read slowly at first: the application must be held back, not the gateway filled.
      byte[] buffer = new byte[16 * 1024];
      long offset = 0;
      while (offset < total) {
        int n = in.read(buffer);
        assertThat(n).as("the body ended early at %d", offset).isPositive();
        for (int i = 0; i < n; i++, offset++) {
          if (buffer[i] != patternAt(offset)) {
            throw new AssertionError("byte " + offset + " differs");
          }
        }
        if (offset < 16L << 20) {
          Thread.sleep(1);
          // Ahead of the reader: kernel socket buffers (up to tcp_wmem's maximum, 4 MiB on Debian) plus the credit.
          assertThat(written.get() - offset).as("the application is held back by the slow reader")
              .isLessThan(8L << 20);
        }
      }
      assertThat(offset).isEqualTo(total);
    }
    Await.condition("the stream to end", WAIT, () -> gateway.meters().activeStreams() == 0);
    long bound = (4L + 1) * WsgiBus.MAX_CHUNK_BYTES;
    System.out.printf("100 MB stream: gateway held at most %d bytes (bound %d)%n",
        gateway.meters().streamPeakBufferedBytes(), bound);
    assertThat(gateway.meters().streamPeakBufferedBytes()).isPositive().isLessThanOrEqualTo(bound);
  }

  private static String readHead(InputStream in) throws Exception {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("connection closed in the head: " + head);
      }
      head.append((char) b);
    }
    return head.toString();
  }

  @Test
  @IntegrationTest
  @DisplayName("a client that stops reading a 100 MB stream is cut off by the write timeout, and the application is cancelled")
  void nonReadingClientWriteTimeout(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "timeouts: {write: 500ms}\n");
    CompletableFuture<String> cancelled = new CompletableFuture<>();
    AtomicLong written = new AtomicLong();
    patternApp(vertx, "huge", 100L << 20, true, written, cancelled);
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(16 * 1024);
      socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), gateway.port()), 5000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET /apps/huge/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(cancelled.get(20, TimeUnit.SECONDS)).isEqualTo("client-gone");
    }
    assertThat(written.get()).as("the application was held back, not drained into the gateway").isLessThan(16L << 20);
    assertThat(gateway.meters().connectionsClosed(dev.switchboard.gateway.meters.GatewayMeters.ConnectionClose.WRITE_TIMEOUT))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("HEAD to a streaming application: the head only, the application's stream cancelled, the connection still in step")
  void headToStreamingApp(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    CompletableFuture<String> cancelled = new CompletableFuture<>();
    patternApp(vertx, "heady", 1000, true, new AtomicLong(), cancelled);
    String both = gateway.raw("HEAD /apps/heady/ HTTP/1.1\r\nHost: x\r\n\r\n"
        + "GET /apps/hello/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(both).startsWith("HTTP/1.1 200 OK").contains("Content-Length: 1000");
    String second = both.substring(both.indexOf("\r\n\r\n") + 4);
    assertThat(second).as("nothing between the HEAD answer and the next response").startsWith("HTTP/1.1 200 OK")
        .endsWith("Hello, world!");
    assertThat(cancelled.get(10, TimeUnit.SECONDS)).isEqualTo("head");
  }

  @Test
  @DisplayName("HTTP/1.0 has no chunked encoding: a stream without a length is sent raw and ends with the connection")
  void http10Stream(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    patternApp(vertx, "old", 200_000, false, new AtomicLong(), new CompletableFuture<>());
    String raw = gateway.raw("GET /apps/old/ HTTP/1.0\r\n\r\n");
    assertThat(raw).startsWith("HTTP/1.0 200 OK").doesNotContainIgnoringCase("transfer-encoding");
    byte[] body = raw.substring(raw.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
    assertThat(body).hasSize(200_000);
    for (int i = 0; i < body.length; i++) {
      if (body[i] != patternAt(i)) {
        throw new AssertionError("byte " + i + " differs");
      }
    }
  }

  @Test
  @DisplayName("a streamed request body: read only as the application asks, byte-exact, and no body timeout while it waits")
  void streamedRequestBody(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, """
        timeouts: {body: 500ms}
        routes:
          - {prefix: /upload, address: wsgi.upload, streamBody: true, maxBodyBytes: 50000000}
        """);
    long total = 20L << 20;
    WsgiApplications.serve(vertx, "upload", request -> {
      assertThat(request.body().length()).isZero();
      assertThat(request.environ().get("CONTENT_LENGTH")).isEqualTo(String.valueOf(total));
      io.vertx.core.Promise<dev.switchboard.wsgi.WsgiResponse> answer = io.vertx.core.Promise.promise();
      // A slow application: it starts reading only after twice the body timeout; the client must not be cut off.
      vertx.setTimer(1000, t -> {
        AtomicLong received = new AtomicLong();
        io.vertx.core.streams.ReadStream<Buffer> body = dev.switchboard.wsgi.RequestBody.of(vertx, request);
        body.handler(chunk -> {
          long at = received.getAndAdd(chunk.length());
          for (int i = 0; i < chunk.length(); i++) {
            if (chunk.getByte(i) != patternAt(at + i)) {
              answer.tryFail("byte " + (at + i) + " differs");
            }
          }
        });
        body.endHandler(v -> answer.tryComplete(dev.switchboard.wsgi.WsgiResponse.text("received " + received.get())));
      });
      return answer.future();
    }).completion().await(5, TimeUnit.SECONDS);

    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
      socket.setSoTimeout(20_000);
      CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
        try {
          socket.getOutputStream().write(("POST /upload/file HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
              + "Content-Length: " + total + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          for (long sent = 0; sent < total; sent += 65536) {
            byte[] chunk = new byte[65536];
            for (int i = 0; i < chunk.length; i++) {
              chunk[i] = patternAt(sent + i);
            }
            socket.getOutputStream().write(chunk);
          }
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      upload.get(10, TimeUnit.SECONDS);
      assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith("received " + total);
    }
    assertThat(gateway.meters().connectionsClosed(dev.switchboard.gateway.meters.GatewayMeters.ConnectionClose.BODY_TIMEOUT))
        .isZero();
  }

  @Test
  @DisplayName("a streamed request body over the route's limit: 413 for the client, an error for the application")
  void streamedRequestBodyTooLarge(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, """
        routes:
          - {prefix: /upload, address: wsgi.upload, streamBody: true, maxBodyBytes: 100000}
        """);
    CompletableFuture<String> failure = new CompletableFuture<>();
    WsgiApplications.serve(vertx, "upload", request -> {
      io.vertx.core.streams.ReadStream<Buffer> body = dev.switchboard.wsgi.RequestBody.of(vertx, request);
      body.exceptionHandler(e -> failure.complete(e.getMessage()));
      body.handler(chunk -> { });
      body.endHandler(v -> failure.complete("ended"));
      return io.vertx.core.Promise.<dev.switchboard.wsgi.WsgiResponse>promise().future();
    }).completion().await(5, TimeUnit.SECONDS);
    String response = gateway.raw("POST /upload/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + ("8000\r\n" + "z".repeat(0x8000) + "\r\n").repeat(4));
    assertThat(response).startsWith("HTTP/1.1 413 ");
    assertThat(failure.get(10, TimeUnit.SECONDS)).isEqualTo("request body over 100000 bytes");
  }

  @Test
  @DisplayName("a client that goes away mid-stream cancels the application's stream")
  void clientGoneCancels(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    CompletableFuture<String> cancelled = new CompletableFuture<>();
    patternApp(vertx, "endless", Long.MAX_VALUE, false, new AtomicLong(), cancelled);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
      socket.getOutputStream().write("GET /apps/endless/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readHead(socket.getInputStream())).contains("transfer-encoding: chunked");
      assertThat(socket.getInputStream().readNBytes(1000)).hasSize(1000);
    }
    assertThat(cancelled.get(10, TimeUnit.SECONDS)).isEqualTo("client-gone");
    Await.condition("the stream to end", WAIT, () -> gateway.meters().activeStreams() == 0);
  }

  @Test
  @DisplayName("an application that fails mid-stream: the client sees the chunked body cut off, not a clean end")
  void applicationFailsMidStream(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    WsgiApplications.serveStreaming(vertx, "flaky", (request, response) -> {
      ResponseStream out = response.stream("200 OK", List.of());
      out.write(Buffer.buffer("partial"));
      vertx.setTimer(50, t -> out.fail("database went away"));
    }).completion().await(5, TimeUnit.SECONDS);
    String raw = gateway.raw("GET /apps/flaky/ HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(raw).startsWith("HTTP/1.1 200 OK").contains("partial").doesNotEndWith("0\r\n\r\n");
    assertThat(gateway.meters().failures(Failure.STREAM_ABORTED)).isEqualTo(1);
  }

  @Test
  @DisplayName("a streamed body without Content-Length goes out chunked and reads whole in curl and Python http.client")
  void chunkedWithRealClients(Vertx vertx) throws Exception {
    RunningGateway gateway = RunningGateway.start(vertx, dir, "");
    long total = 1_000_000;
    patternApp(vertx, "chunky-curl", total, false, new AtomicLong(), new CompletableFuture<>());
    patternApp(vertx, "chunky-python", total, false, new AtomicLong(), new CompletableFuture<>());
    String curlOut = ChildProcess.run(Duration.ofSeconds(30), "curl", "-sS", "--fail", "-o",
        dir.resolve("curl.bin").toString(), "-w", "%{http_code} %{size_download}",
        "http://127.0.0.1:" + gateway.port() + "/apps/chunky-curl/").output();
    assertThat(curlOut).isEqualTo("200 " + total);
    byte[] body = java.nio.file.Files.readAllBytes(dir.resolve("curl.bin"));
    for (int i = 0; i < body.length; i++) {
      if (body[i] != patternAt(i)) {
        throw new AssertionError("curl: byte " + i + " differs");
      }
    }
    String script = """
        import http.client, sys
        c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
        c.request("GET", "/apps/chunky-python/")
        r = c.getresponse()
        data = r.read()
        expected = bytes(((i * 2654435761) >> 13) & 0xff for i in range(len(data)))
        print(r.status, r.getheader("Transfer-Encoding"), len(data), data == expected)
        """;
    String out = ChildProcess.run(Duration.ofSeconds(30), "python3", "-c", script, String.valueOf(gateway.port()))
        .output().trim();
    assertThat(out).isEqualTo("200 chunked " + total + " True");
  }
}
