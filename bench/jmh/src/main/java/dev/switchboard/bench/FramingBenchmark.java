package dev.switchboard.bench;

import dev.switchboard.echo.framing.FrameDecoder;
import dev.switchboard.config.Framing;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The echo service's decoders on the stream a client sends: one operation is one 64-byte frame, so the time and the
 * allocation ({@code -prof gc}: gc.alloc.rate.norm) read per message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FramingBenchmark {

  static final int FRAMES = 64;
  static final int PAYLOAD = 64;

  @Param({"raw", "line", "length", "length-ascii", "fixed"})
  public String framing;

  private Buffer stream;
  private Buffer firstHalf;
  private Buffer secondHalf;
  private FrameDecoder decoder;

  @Setup
  public void encode() {
    Framing mode = Framing.valueOf(framing.toUpperCase().replace('-', '_'));
    // Every benchmark leaves the stream at a frame boundary, so one decoder serves all invocations, as on a connection.
    decoder = FrameDecoder.create(mode, Buffer.buffer("\n"), PAYLOAD, 65536);
    stream = Buffer.buffer();
    for (int i = 0; i < FRAMES; i++) {
      stream.appendBuffer(frame(mode, PAYLOAD));
    }
    // A frame cut in the middle, as TCP may deliver it: the decoder must hold the first part.
    Buffer split = frame(mode, PAYLOAD);
    firstHalf = split.getBuffer(0, split.length() / 2);
    secondHalf = split.getBuffer(split.length() / 2, split.length());
  }

  /** A chunk of 64 whole frames, as a busy connection's read returns it. */
  @Benchmark
  @OperationsPerInvocation(FRAMES)
  public void wholeFrames(Blackhole hole) {
    decoder.decode(stream, (Consumer<Buffer>) hole::consume);
  }

  /** One frame in two reads. */
  @Benchmark
  public void splitFrame(Blackhole hole) {
    decoder.decode(firstHalf, (Consumer<Buffer>) hole::consume);
    decoder.decode(secondHalf, (Consumer<Buffer>) hole::consume);
  }

  /** One frame of {@code size} payload bytes (no newline inside) in the given framing. */
  static Buffer frame(Framing mode, int size) {
    Buffer payload = Buffer.buffer();
    for (int i = 0; i < size - 1; i++) {
      payload.appendByte((byte) ('a' + i % 26));
    }
    return switch (mode) {
      case RAW, FIXED -> payload.appendByte((byte) '.');
      case LINE -> payload.appendByte((byte) '\n');
      case LENGTH -> Buffer.buffer().appendInt(size).appendBuffer(payload.appendByte((byte) '.'));
      case LENGTH_ASCII -> Buffer.buffer(String.format("%05d", size)).appendBuffer(payload.appendByte((byte) '.'));
    };
  }
}
