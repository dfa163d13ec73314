package dev.switchboard.echo;

import dev.switchboard.connection.UnsentBytes;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.function.Function;

/**
 * Writes to a socket without ever having more than {@code limit} bytes handed to it and not yet sent to the peer.
 * What does not fit is held back (at most what the current read delivered) and reading pauses; once the socket has sent
 * enough that the queue is at half the limit, the held bytes go out and reading resumes. So a client that sends
 * without reading costs the server a bounded amount of memory however much it sends.
 *
 * <p>The bytes are counted through write completions ({@link UnsentBytes}), not with Netty's writability. Reading is
 * switched by the caller (see {@link EchoConnection}), not with {@code NetSocket.pause()}.
 */
final class OutputWindow {

  private final Function<Buffer, Future<Void>> sink;
  private final long limit;
  private final long lowWater;
  private final Runnable pauseReading;
  private final Runnable resumeReading;
  private final Runnable progress;
  private final ArrayDeque<Buffer> held = new ArrayDeque<>();
  private final UnsentBytes unsent = new UnsentBytes();
  /** One completion for every write: this runs per echoed frame. */
  private final UnsentBytes.Completion onSent = (bytes, lost) -> sent(lost);
  private boolean paused;
  private boolean failed;
  /**
   * True while {@link #pump()} runs. A write can complete before it returns (at once when the connection is already
   * gone): its completion then only updates the counts, and the running loop sends what that made room for. Were the
   * completion to pump again itself, every held frame would add a level of stack (push, send, complete, push, ...), and
   * thousands of small frames overflowed it.
   */
  private boolean pumping;
  private Runnable whenFlushed;

  /**
   * @param sink     writes to the socket; its future completes once the kernel has taken the bytes, or fails
   * @param progress runs whenever a write has gone out: output moving is traffic, for the idle deadline
   */
  OutputWindow(Function<Buffer, Future<Void>> sink, int limit, Runnable pauseReading, Runnable resumeReading,
               Runnable progress) {
    this.sink = sink;
    this.limit = limit;
    this.lowWater = limit / 2;
    this.pauseReading = pauseReading;
    this.resumeReading = resumeReading;
    this.progress = progress;
  }

  /** Sends the bytes after everything written before, now or once the peer has read enough. */
  void write(Buffer data) {
    if (failed) {
      return;
    }
    held.addLast(data);
    pump();
  }

  /** Runs the action once everything written so far has been sent (or could no longer be). */
  void onceFlushed(Runnable action) {
    whenFlushed = action;
    runIfFlushed();
  }

  /** Bytes the socket has confirmed sent. */
  long flushed() {
    return unsent.completed();
  }

  /** Sends held bytes while there is room; pauses reading when there is none, resumes it when nothing is held. */
  private void pump() {
    if (pumping) {
      return;
    }
    pumping = true;
    try {
      while (!held.isEmpty() && !(paused && unsent.pending() > lowWater)) {
        long room = limit - unsent.pending();
        Buffer next = held.pollFirst();
        if (next.length() <= room) {
          send(next);
        } else {
          held.addFirst(next.slice((int) Math.max(room, 0), next.length()));
          if (room > 0) {
            send(next.slice(0, (int) room));
          }
          pause();
        }
      }
      if (paused && held.isEmpty()) {
        paused = false;
        resumeReading.run();
      }
    } finally {
      pumping = false;
    }
    runIfFlushed();
  }

  private void pause() {
    if (!paused) {
      paused = true;
      pauseReading.run();
    }
  }

  private void send(Buffer data) {
    unsent.write(data, sink, onSent);
  }

  private void sent(boolean lost) {
    if (lost && !failed) {
      // The connection is gone: what is held can never be sent.
      failed = true;
      held.clear();
    } else if (!lost) {
      progress.run();
    }
    pump();
  }

  private void runIfFlushed() {
    if (whenFlushed != null && unsent.pending() == 0 && held.isEmpty()) {
      Runnable action = whenFlushed;
      whenFlushed = null;
      action.run();
    }
  }
}
