package dev.switchboard.gateway.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Counts the bytes written to a response that its socket has not taken yet, through write completions. This is what
 * the gateway really holds for a slow client: {@code writeQueueFull()} is not, because Vert.x queues HTTP/1 writes in
 * a chunked-write handler ahead of Netty's buffer, where about a megabyte can wait before the response reports full.
 */
public final class PendingWrites {

  private final HttpServerResponse response;
  private long pending;
  private long peak;

  public PendingWrites(HttpServerResponse response) {
    this.response = response;
  }

  /** Writes, and runs {@code onSent} once the socket has taken these bytes (or the write failed). */
  public void write(Buffer data, Runnable onSent) {
    int length = data.length();
    pending += length;
    peak = Math.max(peak, pending);
    response.write(data).onComplete(done -> {
      pending -= length;
      onSent.run();
    });
  }

  public long pending() {
    return pending;
  }

  /** The most that was pending at once. */
  public long peak() {
    return peak;
  }
}
