package dev.switchboard.echo;

import static dev.switchboard.echo.RunningEcho.listener;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bus.CloseReason;
import dev.switchboard.bus.ConnectionEvent;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoFramingTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  @DisplayName("raw: 1 MB of random bytes comes back byte-exact, and the close is counted as eof")
  void rawMegabyte(Vertx vertx) throws Exception {
    RunningEcho echo = RunningEcho.start(vertx, listener());
    byte[] data = new byte[1 << 20];
    new Random(7).nextBytes(data);
    try (BlockingClient client = new BlockingClient(echo.port())) {
      Thread writer = new Thread(() -> {
        try {
          client.sendPieces(data, 1, 2, 1000, 70_000, 500_000);
          client.shutdownOutput();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      writer.start();
      byte[] back = client.socket.getInputStream().readAllBytes();
      writer.join(10_000);
      assertThat(MessageDigest.getInstance("SHA-256").digest(back))
          .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
      assertThat(back).hasSize(data.length);
    }
    ConnectionEvent closed = echo.nextClose(WAIT);
    assertThat(closed.reason()).isEqualTo(CloseReason.EOF);
    assertThat(closed.bytesIn()).isEqualTo(data.length);
    assertThat(closed.bytesOut()).isEqualTo(data.length);
    assertThat(echo.meters("raw").closed(CloseReason.EOF)).isEqualTo(1);
  }

  @Test
  @DisplayName("line: frames cut anywhere by the client come back whole, with the trailing partial frame at EOF")
  void lineFraming(Vertx vertx) throws Exception {
    RunningEcho echo = RunningEcho.start(vertx, listener("framing", "line"));
    byte[] stream = latin1("alpha\nbeta\n\ngamma\ndelta-without-end");
    try (BlockingClient client = new BlockingClient(echo.port())) {
      client.sendPieces(stream, 1, 2, 6, 7, 12, 20);
      client.shutdownOutput();
      assertThat(client.readToEnd()).isEqualTo("alpha\nbeta\n\ngamma\ndelta-without-end");
    }
    assertThat(echo.nextClose(WAIT).reason()).isEqualTo(CloseReason.EOF);
  }

  @Test
  @DisplayName("line with CR LF: a delimiter split across writes is found; whole frames are echoed before the stream ends")
  void crlfFraming(Vertx vertx) throws Exception {
    RunningEcho echo = RunningEcho.start(vertx, listener("framing", "line", "delimiter", "\\r\\n"));
    try (BlockingClient client = new BlockingClient(echo.port())) {
      client.send("GET\r");
      client.send("\nPUT\r\n");
      assertThat(client.read(10)).isEqualTo("GET\r\nPUT\r\n");
    }
  }

  @Test
  @DisplayName("length: 4-byte big-endian length frames, header split across writes, empty frame included")
  void lengthFraming(Vertx vertx) throws Exception {
    RunningEcho echo = RunningEcho.start(vertx, listener("framing", "length"));
    byte[] stream = latin1("\0\0\0\5hello\0\0\0\0\0\0\0\2ok");
    try (BlockingClient client = new BlockingClient(echo.port())) {
      client.sendPieces(stream, 1, 3, 4, 9, 11, 13, 15);
      assertThat(client.read(stream.length)).isEqualTo(new String(stream, StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  @DisplayName("length-ascii: the HOWTO's 5-digit length prefix")
  void asciiLengthFraming(Vertx vertx) throws Exception {
    RunningEcho echo = RunningEcho.start(vertx, listener("framing", "length-ascii"));
    try (BlockingClient client = new BlockingClient(echo.port())) {
      client.sendPieces(latin1("00005hello00003abc"), 2, 5, 7, 12);
      assertThat(client.read(18)).isEqualTo("00005hello00003abc");
    }
  }

  @Test
  @DisplayName("fixed: messages of exactly N bytes; the short tail comes back at EOF")
  void fixedFraming(Vertx vertx) throws Exception {
    RunningEcho echo = RunningEcho.start(vertx, listener("framing", "fixed", "fixedBytes", "4"));
    try (BlockingClient client = new BlockingClient(echo.port())) {
      client.sendPieces(latin1("abcdefghij"), 1, 5, 9);
      assertThat(client.read(8)).isEqualTo("abcdefgh");
      client.shutdownOutput();
      assertThat(client.readToEnd()).isEqualTo("ij");
    }
  }

  @Test
  @DisplayName("a line over maxFrameBytes gets one error line and the connection closes; earlier frames were echoed")
  void lineTooLong(Vertx vertx) throws Exception {
    RunningEcho echo = RunningEcho.start(vertx, listener("framing", "line", "maxFrameBytes", "16"));
    try (BlockingClient client = new BlockingClient(echo.port())) {
      client.send("short\n" + "x".repeat(40));
      assertThat(client.readToEnd()).isEqualTo("short\nERR frame too long (limit 16)\n");
    }
    ConnectionEvent closed = echo.nextClose(WAIT);
    assertThat(closed.reason()).isEqualTo(CloseReason.FRAME_TOO_LONG);
    assertThat(echo.meters("line").closed(CloseReason.FRAME_TOO_LONG)).isEqualTo(1);
  }

  @Test
  @DisplayName("a declared length over the limit is refused from the header alone, before any payload")
  void declaredLengthTooLong(Vertx vertx) throws Exception {
    RunningEcho echo = RunningEcho.start(vertx, listener("framing", "length"));
    try (BlockingClient client = new BlockingClient(echo.port())) {
      client.send(new byte[] {0, 1, 0, 1});
      assertThat(client.readToEnd()).isEqualTo("ERR frame too long (limit 65536)\n");
    }
    assertThat(echo.nextClose(WAIT).reason()).isEqualTo(CloseReason.FRAME_TOO_LONG);
  }

  @Test
  @DisplayName("an ASCII length header that is not digits gets an error line and the connection closes")
  void badAsciiHeader(Vertx vertx) throws Exception {
    RunningEcho echo = RunningEcho.start(vertx, listener("framing", "length-ascii"));
    try (BlockingClient client = new BlockingClient(echo.port())) {
      client.send("12a45");
      assertThat(client.readToEnd()).isEqualTo("ERR bad length header (expected 5 ASCII digits)\n");
    }
    assertThat(echo.nextClose(WAIT).reason()).isEqualTo(CloseReason.BAD_FRAME);
  }
}
