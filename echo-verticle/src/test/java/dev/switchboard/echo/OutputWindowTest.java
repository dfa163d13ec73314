package dev.switchboard.echo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The window alone, against a stand-in socket whose writes complete when the test says, or at once. */
class OutputWindowTest {

  private static final int FRAMES = 100_000;
  private static final int LIMIT = 1024;

  private enum Completion { LATER, AT_ONCE, FAIL_AT_ONCE }

  private static final class FakeSocket implements Function<Buffer, Future<Void>> {
    final Buffer written = Buffer.buffer();
    final ArrayDeque<Promise<Void>> pending = new ArrayDeque<>();
    Completion completion = Completion.LATER;
    boolean reading = true;
    int pauses;
    int resumes;
    int completed;

    @Override
    public Future<Void> apply(Buffer data) {
      switch (completion) {
        case AT_ONCE:
          written.appendBuffer(data);
          return Future.succeededFuture();
        case FAIL_AT_ONCE:
          return Future.failedFuture("connection reset");
        default:
          written.appendBuffer(data);
          Promise<Void> promise = Promise.promise();
          pending.add(promise);
          return promise.future();
      }
    }

    void completePending() {
      while (!pending.isEmpty()) {
        pending.poll().complete();
      }
    }

    void failPending() {
      while (!pending.isEmpty()) {
        pending.poll().fail("connection reset");
      }
    }

    OutputWindow window() {
      return new OutputWindow(this, LIMIT, () -> {
        reading = false;
        pauses++;
      }, () -> {
        reading = true;
        resumes++;
      }, () -> completed++);
    }
  }

  private static Buffer frame(int i) {
    return Buffer.buffer(new byte[] {(byte) i});
  }

  @Test
  @DisplayName("100 000 one-byte frames held behind a full window all go out, in order, when the socket then accepts each write at once")
  void heldFramesDrainIteratively() {
    FakeSocket socket = new FakeSocket();
    OutputWindow window = socket.window();
    for (int i = 0; i < FRAMES; i++) {
      window.write(frame(i));
    }
    assertThat(socket.written.length()).isEqualTo(LIMIT);
    assertThat(socket.reading).isFalse();

    // Each write the drain makes now completes before it returns: the drain must loop, not recurse per frame.
    socket.completion = Completion.AT_ONCE;
    socket.completePending();

    assertThat(socket.written.length()).isEqualTo(FRAMES);
    for (int i = 0; i < FRAMES; i++) {
      assertThat(socket.written.getByte(i)).as("byte %d", i).isEqualTo((byte) i);
    }
    assertThat(window.flushed()).isEqualTo(FRAMES);
    assertThat(socket.reading).isTrue();
    assertThat(socket.pauses).isEqualTo(1);
    assertThat(socket.resumes).isEqualTo(1);
    assertThat(socket.completed).as("progress reported per completed write").isEqualTo(FRAMES);
  }

  @Test
  @DisplayName("when the connection is reset with 100 000 frames held, the held frames are dropped without recursion and onceFlushed still runs")
  void resetWithFramesHeld() {
    FakeSocket socket = new FakeSocket();
    OutputWindow window = socket.window();
    for (int i = 0; i < FRAMES; i++) {
      window.write(frame(i));
    }
    boolean[] flushedAction = {false};
    window.onceFlushed(() -> flushedAction[0] = true);
    assertThat(flushedAction[0]).isFalse();

    socket.completion = Completion.FAIL_AT_ONCE;
    socket.failPending();

    assertThat(flushedAction[0]).isTrue();
    assertThat(socket.completed).as("no progress from failed writes").isZero();
    assertThat(socket.written.length()).isEqualTo(LIMIT);
    window.write(frame(1));
    assertThat(socket.written.length()).as("nothing is written after the connection failed").isEqualTo(LIMIT);
  }

  @Test
  @DisplayName("a frame larger than the window goes out in window-sized pieces, reading paused until it is all out")
  void frameLargerThanWindow() {
    FakeSocket socket = new FakeSocket();
    OutputWindow window = socket.window();
    byte[] big = new byte[10 * LIMIT + 7];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    window.write(Buffer.buffer(big));
    assertThat(socket.written.length()).isEqualTo(LIMIT);
    assertThat(socket.reading).isFalse();
    while (!socket.pending.isEmpty()) {
      socket.completePending();
    }
    assertThat(socket.written.getBytes()).isEqualTo(big);
    assertThat(socket.reading).isTrue();
    assertThat(window.flushed()).isEqualTo(big.length);
  }
}
