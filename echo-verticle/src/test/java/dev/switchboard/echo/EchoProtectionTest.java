package dev.switchboard.echo;

import static dev.switchboard.testing.Await.condition;
import static dev.switchboard.echo.RunningEcho.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.bus.CloseReason;
import dev.switchboard.bus.ConnectionEvent;
import dev.switchboard.testing.IntegrationTest;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.function.ThrowingConsumer;

@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EchoProtectionTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A byte stream anyone can regenerate at any offset, so that megabytes can be checked without being stored. */
  static byte patternAt(long offset) {
    return (byte) ((offset * 2654435761L) >>> 13);
  }

  static byte[] pattern(long from, int length) {
    byte[] chunk = new byte[length];
    for (int i = 0; i < length; i++) {
      chunk[i] = patternAt(from + i);
    }
    return chunk;
  }

  /** Reads until EOF, checking every byte against the pattern; returns how many came. */
  static long readPatternToEnd(InputStream in) throws Exception {
    byte[] buffer = new byte[65536];
    long offset = 0;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      for (int i = 0; i < n; i++, offset++) {
        if (buffer[i] != patternAt(offset)) {
          throw new AssertionError("byte " + offset + " differs");
        }
      }
    }
    return offset;
  }

  /** Runs a test on Vert.x with NIO and again with the native epoll transport that the jar prefers. */
  private static void onTransport(boolean nativeTransport, ThrowingConsumer<Vertx> test) throws Throwable {
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(nativeTransport)).build();
    try {
      assumeTrue(vertx.isNativeTransportEnabled() == nativeTransport, "native transport not available");
      test.accept(vertx);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "native transport: {0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("half-close: after the client's shutdown(SHUT_WR) every pending byte of 8 MB still comes back, then EOF")
  void halfCloseDeliversEverything(boolean nativeTransport) throws Throwable {
    onTransport(nativeTransport, vertx -> {
      RunningEcho echo = RunningEcho.start(vertx, listener());
      halfCloseDeliversEverything(echo);
    });
  }

  /**
   * A small window makes the server pause and resume reading hundreds of times per upload and hold back output when
   * the FIN arrives. On Netty 4.2.18's epoll transport, which drops a socket from epoll while it waits for nothing after
   * the FIN and then fails its next wait (to resume reading, or for room to write), the end of the echo was lost in
   * most such uploads; with the default window above, only now and then.
   */
  @ParameterizedTest(name = "native transport: {0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("half-close through a 4 KiB output window: each of 5 uploads of 8 MB comes back whole, then EOF")
  void halfCloseThroughSmallWindowDeliversEverything(boolean nativeTransport) throws Throwable {
    onTransport(nativeTransport, vertx -> {
      RunningEcho echo = RunningEcho.start(vertx, listener("writeQueueBytes", "4096"));
      for (int upload = 0; upload < 5; upload++) {
        halfCloseDeliversEverything(echo);
      }
    });
  }

  /** One client sends 8 MB without reading, half-closes, then reads: all of it must come back before EOF. */
  private static void halfCloseDeliversEverything(RunningEcho echo) throws Exception {
    long total = 8L << 20;
    ListenerMeters meters = echo.meters("raw");
    long pausesBefore = meters.readPauses();
    try (BlockingClient client = new BlockingClient(echo.port())) {
      CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
        try {
          for (long sent = 0; sent < total; sent += 65536) {
            client.send(pattern(sent, 65536));
          }
          client.shutdownOutput();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      // Read nothing until the server has had to stop reading: its output is then queued when the FIN arrives.
      condition("the server to pause reading", WAIT, () -> meters.readPauses() > pausesBefore);
      assertThat(readPatternToEnd(client.socket.getInputStream())).isEqualTo(total);
      written.get(10, TimeUnit.SECONDS);
    }
    ConnectionEvent closed = echo.nextClose(WAIT);
    assertThat(closed.reason()).isEqualTo(CloseReason.EOF);
    assertThat(closed.bytesOut()).isEqualTo(total);
  }

  @ParameterizedTest(name = "native transport: {0}")
  @ValueSource(booleans = {false, true})
  @IntegrationTest
  @DisplayName("a client that pushes 100 MB and reads nothing never makes the server hold more than writeQueueBytes plus one read")
  void nonReadingClientIsBounded(boolean nativeTransport) throws Throwable {
    onTransport(nativeTransport, this::nonReadingClientIsBounded);
  }

  private void nonReadingClientIsBounded(Vertx vertx) throws Exception {
    int writeQueueBytes = 64 * 1024;
    RunningEcho echo = RunningEcho.start(vertx, listener("writeQueueBytes", String.valueOf(writeQueueBytes)));
    ListenerMeters meters = echo.meters("raw");
    long total = 100L << 20;
    NetClient netClient = vertx.createNetClient();
    NetSocket socket = netClient.connect(echo.port(), "127.0.0.1").await(10, TimeUnit.SECONDS);
    AtomicLong received = new AtomicLong();
    CompletableFuture<Long> allBack = new CompletableFuture<>();
    socket.pause();
    socket.handler(data -> {
      long at = received.getAndAdd(data.length());
      for (int i = 0; i < data.length(); i++) {
        if (data.getByte(i) != patternAt(at + i)) {
          allBack.completeExceptionally(new AssertionError("byte " + (at + i) + " differs"));
        }
      }
      if (received.get() == total) {
        allBack.complete(total);
      }
    });
    // The client process queues all 100 MB at once: the server is offered far more than it may hold.
    vertx.runOnContext(v -> {
      for (long sent = 0; sent < total; sent += 1 << 20) {
        socket.write(Buffer.buffer(pattern(sent, 1 << 20)));
      }
    });

    condition("the server to pause reading", WAIT, () -> meters.readPauses() > 0);
    long inAtPause = meters.bytesIn();
    // Paused, the server reads nothing more until the client reads: what it took in is kernel buffers' worth, not 100 MB.
    assertThat(inAtPause).isLessThan(total / 4);

    socket.resume();
    assertThat(allBack.get(60, TimeUnit.SECONDS)).isEqualTo(total);
    socket.close().await(10, TimeUnit.SECONDS);

    ConnectionEvent closed = echo.nextClose(WAIT);
    assertThat(closed.bytesIn()).isEqualTo(total);
    assertThat(closed.peakPendingBytes()).isPositive().isLessThanOrEqualTo(writeQueueBytes + 65536);
  }

  @Test
  @DisplayName("idle timeout: a silent connection is closed and the close event says idle-timeout")
  void idleTimeout(Vertx vertx) throws Exception {
    RunningEcho echo = RunningEcho.start(vertx, listener("idleTimeout", "300ms"));
    try (BlockingClient client = new BlockingClient(echo.port())) {
      client.send("ping");
      assertThat(client.read(4)).isEqualTo("ping");
      assertThat(client.socket.getInputStream().read()).isEqualTo(-1);
    }
    ConnectionEvent closed = echo.nextClose(WAIT);
    assertThat(closed.reason()).isEqualTo(CloseReason.IDLE_TIMEOUT);
    assertThat(closed.durationMs()).isGreaterThanOrEqualTo(300);
  }

  @Test
  @DisplayName("idle timeout counts output too: a client that has sent everything and reads a long echo slowly gets all of it")
  void idleTimeoutSparesSlowReader(Vertx vertx) throws Exception {
    // A window large enough to take the whole upload at once: the server then reads nothing more for seconds, while
    // the echo keeps going out at the client's pace.
    RunningEcho echo = RunningEcho.start(vertx, listener("idleTimeout", "1s", "writeQueueBytes", String.valueOf(32 << 20)));
    long total = 16L << 20;
    try (Socket socket = new Socket()) {
      // A small receive window, so that the client's pace, not its buffer, decides how fast the echo goes out.
      socket.setReceiveBufferSize(16 * 1024);
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.port()), 5000);
      socket.setSoTimeout(10_000);
      CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
        try {
          for (long sent = 0; sent < total; sent += 65536) {
            socket.getOutputStream().write(pattern(sent, 65536));
          }
          socket.shutdownOutput();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      // About 5 MB/s, in reads a few milliseconds apart (pacing, not synchronisation): the echo goes on for about
      // three seconds, well past the idle timeout, with no gap near it.
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[16 * 1024];
      long offset = 0;
      int n;
      while ((n = in.read(buffer)) >= 0) {
        for (int i = 0; i < n; i++, offset++) {
          if (buffer[i] != patternAt(offset)) {
            throw new AssertionError("byte " + offset + " differs");
          }
        }
        Thread.sleep(3);
      }
      assertThat(offset).isEqualTo(total);
      written.get(10, TimeUnit.SECONDS);
    }
    assertThat(echo.nextClose(WAIT).reason()).isEqualTo(CloseReason.EOF);
  }

  @Test
  @DisplayName("frame timeout: a frame begun and not finished gets an error line, the connection closes")
  void frameTimeout(Vertx vertx) throws Exception {
    RunningEcho echo = RunningEcho.start(vertx, listener("framing", "line", "frameTimeout", "300ms"));
    try (BlockingClient client = new BlockingClient(echo.port())) {
      client.send("complete\nincompl");
      assertThat(client.readToEnd()).isEqualTo("complete\nERR frame timeout (300 ms)\n");
    }
    assertThat(echo.nextClose(WAIT).reason()).isEqualTo(CloseReason.FRAME_TIMEOUT);
  }

  @Test
  @DisplayName("frame timeout does not touch a connection whose frames are all complete")
  void frameTimeoutSparesCompleteFrames(Vertx vertx) throws Exception {
    RunningEcho echo = RunningEcho.start(vertx, listener("framing", "line", "frameTimeout", "300ms", "idleTimeout", "0"));
    try (BlockingClient complete = new BlockingClient(echo.port())) {
      complete.send("a\n");
      assertThat(complete.read(2)).isEqualTo("a\n");
      // A second connection is the clock: once its open frame has timed out, so would the first one's have.
      try (BlockingClient partial = new BlockingClient(echo.port())) {
        partial.send("open");
        assertThat(partial.readToEnd()).isEqualTo("ERR frame timeout (300 ms)\n");
      }
      complete.send("b\n");
      assertThat(complete.read(2)).isEqualTo("b\n");
    }
    assertThat(echo.nextClose(WAIT).reason()).isEqualTo(CloseReason.FRAME_TIMEOUT);
    assertThat(echo.nextClose(WAIT).reason()).isEqualTo(CloseReason.EOF);
  }

  @Test
  @DisplayName("max connections: one over the limit is told why and closed; after a close there is room again")
  void maxConnections(Vertx vertx) throws Exception {
    RunningEcho echo = RunningEcho.start(vertx, listener("maxConnections", "2"));
    ListenerMeters meters = echo.meters("raw");
    try (BlockingClient first = new BlockingClient(echo.port());
         BlockingClient second = new BlockingClient(echo.port())) {
      first.send("1");
      second.send("2");
      assertThat(first.read(1)).isEqualTo("1");
      assertThat(second.read(1)).isEqualTo("2");
      try (BlockingClient third = new BlockingClient(echo.port())) {
        assertThat(third.readToEnd()).isEqualTo("ERR too many connections (limit 2)\n");
      }
      assertThat(echo.nextClose(WAIT).reason()).isEqualTo(CloseReason.LIMIT);
      assertThat(meters.closed(CloseReason.LIMIT)).isEqualTo(1);
      assertThat(meters.open()).isEqualTo(2);
    }
    condition("both connections to close", WAIT, () -> meters.open() == 0);
    try (BlockingClient again = new BlockingClient(echo.port())) {
      again.send("3");
      assertThat(again.read(1)).isEqualTo("3");
    }
  }
}
