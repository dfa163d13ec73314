package dev.switchboard.gateway.protect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.access.Http1Pipeline;
import dev.switchboard.config.GatewayTimeouts;
import dev.switchboard.gateway.meters.GatewayMeters;
import dev.switchboard.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The guard's clocks on an embedded channel and a hand-driven clock. */
class ConnectionGuardTest {

  private static final String STATUS_LINE = "HTTP/1.1 200 OK\r\n";

  private final ManualClock time = new ManualClock();

  private static GatewayTimeouts timeouts(long keepAliveMs, long headerMs, long writeMs) {
    return new GatewayTimeouts(Duration.ofMillis(keepAliveMs), Duration.ofMillis(headerMs), Duration.ZERO, 0,
        Duration.ZERO, Duration.ZERO, Duration.ofMillis(writeMs), Duration.ZERO, Duration.ZERO);
  }

  private ConnectionGuard guard;

  /** The guard first, then a stand-in for Vert.x's HTTP/1 decoder, where raw answers are written. */
  private EmbeddedChannel channel(GatewayTimeouts timeouts) {
    guard = new ConnectionGuard(time, time, timeouts, new GatewayMeters(new SimpleMeterRegistry(), List.of()),
        "127.0.0.1:5000");
    EmbeddedChannel channel = new EmbeddedChannel(guard);
    channel.pipeline().addLast(Http1Pipeline.DECODER, new ChannelInboundHandlerAdapter());
    return channel;
  }

  private static ByteBuf ascii(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }

  /** A response handed to the connection whole that the socket has not taken yet. */
  private void unreadResponse(EmbeddedChannel channel) {
    channel.write(ascii(STATUS_LINE));
    guard.responseEnded();
  }

  private static String written(EmbeddedChannel channel) {
    StringBuilder out = new StringBuilder();
    for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
      out.append(buf.toString(StandardCharsets.US_ASCII));
      buf.release();
    }
    return out.toString();
  }

  @Test
  @DisplayName("a request head not complete within timeouts.header gets a 408 and the connection closes; bytes do not extend it")
  void headerTimeout() {
    EmbeddedChannel channel = channel(timeouts(0, 100, 0));
    time.advance(60);
    channel.writeInbound(ascii("GET / HT"));
    time.advance(39);
    assertThat(channel.isOpen()).isTrue();
    time.advance(2);
    channel.runPendingTasks();
    assertThat(written(channel)).startsWith("HTTP/1.1 408 Request Timeout").contains("request header timeout");
    assertThat(channel.isOpen()).isFalse();
    channel.releaseInbound();
  }

  @Test
  @DisplayName("a response the client stops reading is cut off at timeouts.write, without a 408, while output that moves keeps it open")
  void writeTimeout() {
    EmbeddedChannel channel = channel(timeouts(0, 0, 100));
    unreadResponse(channel);
    time.advance(80);
    channel.flush();  // the socket took it: progress
    channel.write(ascii("more"));
    time.advance(90);
    assertThat(channel.isOpen()).as("90 ms since the last progress").isTrue();
    time.advance(20);
    assertThat(channel.isOpen()).isFalse();
    assertThat(written(channel)).isEqualTo(STATUS_LINE);
  }

  @Test
  @DisplayName("the keep-alive clock starts only once the last response is out, and then closes the idle connection")
  void keepAliveAfterLastByte() {
    EmbeddedChannel channel = channel(timeouts(100, 0, 0));
    unreadResponse(channel);
    time.advance(500);
    assertThat(channel.isOpen()).as("response still unsent").isTrue();
    channel.flush();
    time.advance(99);
    assertThat(channel.isOpen()).isTrue();
    time.advance(2);
    assertThat(channel.isOpen()).isFalse();
    assertThat(written(channel)).isEqualTo(STATUS_LINE);
  }
}
