package dev.switchboard.echo;

import static dev.switchboard.echo.RunningEcho.listener;
import static dev.switchboard.testing.Await.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bus.CloseReason;
import dev.switchboard.bus.ConnectionEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many tiny frames against a small output window, so that every read leaves thousands of frames held back: they must
 * come back in order, and whatever happens to the connection, draining them must not recurse once per frame.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EchoBackPressureTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  /** Small against reads of up to 64 KiB: each read leaves most of its frames held. */
  private static final int WRITE_QUEUE_BYTES = 4096;

  /** Held in a field: a client nothing references may be closed by GC mid-test (see STACK.md). */
  private NetClient client;

  /** Frames {@code from} to {@code to - 1}, each carrying its own number, so that what comes back shows order too. */
  static Buffer tinyFrames(String framing, int from, int to) {
    Buffer stream = Buffer.buffer((to - from) * 12);
    for (int i = from; i < to; i++) {
      byte[] number = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
      if (framing.equals("length")) {
        stream.appendInt(number.length).appendBytes(number);
      } else {
        stream.appendBytes(number).appendByte((byte) '\n');
      }
    }
    return stream;
  }

  private static RunningEcho startEcho(Vertx vertx, String framing) throws Exception {
    return RunningEcho.start(vertx, listener("framing", framing, "writeQueueBytes", String.valueOf(WRITE_QUEUE_BYTES)));
  }

  @ParameterizedTest(name = "{0} framing")
  @ValueSource(strings = {"line", "length"})
  @DisplayName("100 000 tiny frames to a client that first reads nothing, then everything: every frame comes back, in order")
  void tinyFramesComeBackInOrder(String framing, Vertx vertx, VertxTestContext testContext) throws Exception {
    List<Throwable> unhandled = new CopyOnWriteArrayList<>();
    vertx.exceptionHandler(unhandled::add);
    RunningEcho echo = startEcho(vertx, framing);
    ListenerMeters meters = echo.meters(framing);
    Buffer sent = tinyFrames(framing, 0, 100_000);
    Buffer received = Buffer.buffer(sent.length());

    client = vertx.createNetClient();
    NetSocket socket = client.connect(echo.port(), "127.0.0.1").await(10, TimeUnit.SECONDS);
    socket.pause();
    socket.handler(data -> testContext.verify(() -> {
      int at = received.length();
      received.appendBuffer(data);
      assertThat(received.length()).isLessThanOrEqualTo(sent.length());
      if (!received.slice(at, received.length()).equals(sent.slice(at, received.length()))) {
        throw new AssertionError("the echo differs from what was sent within bytes " + at + ".." + received.length());
      }
      if (received.length() == sent.length()) {
        testContext.completeNow();
      }
    }));
    vertx.runOnContext(v -> socket.write(sent));

    condition("the server to pause reading", WAIT, () -> meters.readPauses() > 0);
    socket.resume();
    assertThat(testContext.awaitCompletion(30, TimeUnit.SECONDS)).as("every frame echoed within 30 s").isTrue();
    if (testContext.failed()) {
      return;
    }
    socket.close().await(10, TimeUnit.SECONDS);

    ConnectionEvent closed = echo.nextClose(WAIT);
    assertThat(closed.bytesIn()).isEqualTo(sent.length());
    assertThat(closed.bytesOut()).isEqualTo(sent.length());
    assertThat(closed.peakPendingBytes()).isLessThanOrEqualTo(WRITE_QUEUE_BYTES + 65536);
    assertThat(unhandled).isEmpty();
  }

  @ParameterizedTest(name = "{0} framing")
  @ValueSource(strings = {"line", "length"})
  @DisplayName("a client that resets while thousands of tiny frames are held: no overflow, the reset is counted, the service serves on")
  void resetWithTinyFramesHeld(String framing, Vertx vertx) throws Exception {
    List<Throwable> unhandled = new CopyOnWriteArrayList<>();
    vertx.exceptionHandler(unhandled::add);
    RunningEcho echo = startEcho(vertx, framing);
    ListenerMeters meters = echo.meters(framing);

    try (SocketChannel channel = SocketChannel.open(); Selector selector = Selector.open()) {
      // A small receive buffer, set before connecting, so that the kernel holds little of the echo for the client.
      channel.setOption(StandardSocketOptions.SO_RCVBUF, 8192);
      channel.connect(new InetSocketAddress("127.0.0.1", echo.port()));
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_WRITE);
      sendUntilServerStopsReading(channel, selector, framing, meters);
      // Reset: the server's queued writes fail, and with them the drain of every held frame.
      channel.setOption(StandardSocketOptions.SO_LINGER, 0);
    }

    ConnectionEvent closed = echo.nextClose(WAIT);
    assertThat(closed.reason()).isEqualTo(CloseReason.RESET);
    assertThat(unhandled).as("exceptions that escaped to the event loop").isEmpty();
    try (BlockingClient after = new BlockingClient(echo.port())) {
      byte[] frame = tinyFrames(framing, 7, 8).getBytes();
      after.send(frame);
      assertThat(after.read(frame.length)).isEqualTo(new String(frame, StandardCharsets.ISO_8859_1));
    }
  }

  /**
   * Writes frames without reading until the client's send buffer stays full: the server's receive buffer is then full
   * too, so the server has stopped reading (paused, with frames held) rather than merely being slow.
   */
  private static void sendUntilServerStopsReading(SocketChannel channel, Selector selector, String framing,
                                                  ListenerMeters meters) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    int next = 0;
    ByteBuffer pending = ByteBuffer.allocate(0);
    while (System.nanoTime() < deadline) {
      if (!pending.hasRemaining()) {
        pending = ByteBuffer.wrap(tinyFrames(framing, next, next + 10_000).getBytes());
        next += 10_000;
      }
      if (channel.write(pending) == 0) {
        if (meters.readPauses() > 0 && selector.select(200) == 0) {
          return;
        }
        selector.selectedKeys().clear();
      }
    }
    throw new AssertionError("the server never stopped reading (" + meters.bytesIn() + " bytes in)");
  }
}
