package dev.switchboard.echo;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;

/**
 * Writes to a socket without ever having more than {@code limit} bytes handed to it and not yet sent to the peer.
 * What does not fit is held back (at most what the current read delivered) and reading pauses; once the socket has sent
 * enough that the queue is at half the limit, the held bytes go out and reading resumes. So a client that sends
 * without reading costs the server a bounded amount of memory however much it sends.
 *
 * <p>This counts bytes through write completions rather than reading Netty's writability, because Netty's
 * watermarks include per-message overhead and fire only after the limit has been crossed. Reading is switched by the
 * caller (see {@link EchoConnection}), not with {@code NetSocket.pause()}.
 */
final class OutputWindow {

  private final NetSocket socket;
  private final long limit;
  private final long lowWater;
  private final Runnable pauseReading;
  private final Runnable resumeReading;
  private final ArrayDeque<Buffer> held = new ArrayDeque<>();
  private long queued;
  private long flushed;
  private boolean paused;
  private Runnable whenFlushed;

  OutputWindow(NetSocket socket, int limit, Runnable pauseReading, Runnable resumeReading) {
    this.socket = socket;
    this.limit = limit;
    this.lowWater = limit / 2;
    this.pauseReading = pauseReading;
    this.resumeReading = resumeReading;
  }

  /** Sends the bytes after everything written before, now or once the peer has read enough. */
  void write(Buffer data) {
    if (held.isEmpty()) {
      push(data);
    } else {
      held.addLast(data);
    }
  }

  /** Runs the action once everything written so far has been sent. */
  void onceFlushed(Runnable action) {
    if (queued == 0 && held.isEmpty()) {
      action.run();
    } else {
      whenFlushed = action;
    }
  }

  /** Bytes the socket has confirmed sent. */
  long flushed() {
    return flushed;
  }

  private boolean push(Buffer data) {
    long room = limit - queued;
    int length = data.length();
    if (length <= room) {
      send(data);
      return true;
    }
    if (room > 0) {
      send(data.slice(0, (int) room));
      held.addFirst(data.slice((int) room, length));
    } else {
      held.addFirst(data);
    }
    if (!paused) {
      paused = true;
      pauseReading.run();
    }
    return false;
  }

  private void send(Buffer data) {
    int length = data.length();
    queued += length;
    socket.write(data).onComplete(done -> sent(length));
  }

  private void sent(int length) {
    queued -= length;
    flushed += length;
    if (paused && queued <= lowWater) {
      drain();
    }
    if (whenFlushed != null && queued == 0 && held.isEmpty()) {
      Runnable action = whenFlushed;
      whenFlushed = null;
      action.run();
    }
  }

  private void drain() {
    while (!held.isEmpty()) {
      if (!push(held.pollFirst())) {
        return;
      }
    }
    paused = false;
    resumeReading.run();
  }
}
