package dev.switchboard.wsgi;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayDeque;

/**
 * The application side of a streamed response body, as a {@link WriteStream}: {@code source.pipeTo(stream)} just
 * works. A chunk goes to the gateway only against a credit; the gateway grants credit as its client reads, so a slow
 * client slows the writer here ({@link #writeQueueFull()}) instead of filling the gateway. Writes larger than the
 * gateway's chunk limit (told in its {@code start} message) are cut into chunks of that size.
 *
 * <p>Use it from the context that received the request.
 */
public final class ResponseStream implements WriteStream<Buffer> {

  private static final long START_TIMEOUT_MS = 30_000;

  private record Pending(Buffer chunk, Promise<Void> written) {
  }

  private final Vertx vertx;
  private final MessageConsumer<JsonObject> control;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final long startTimer;
  private String gateway;
  private int credit;
  private long seq;
  private long queuedBytes;
  private int writeQueueMaxSize = WsgiBus.MAX_CHUNK_BYTES;
  private int maxChunkBytes = WsgiBus.MAX_CHUNK_BYTES;
  private boolean ending;
  private String closedBecause;
  private Handler<Void> drainHandler;
  private Handler<Throwable> exceptionHandler;
  private Handler<String> cancelHandler;

  ResponseStream(Vertx vertx, MessageConsumer<JsonObject> control) {
    this.vertx = vertx;
    this.control = control;
    control.handler(this::onControl);
    this.startTimer = vertx.setTimer(START_TIMEOUT_MS, t -> close("the gateway never started the stream"));
  }

  /** Called with the reason when the gateway cancels the stream, e.g. {@code client-gone}. */
  public ResponseStream cancelHandler(Handler<String> handler) {
    this.cancelHandler = handler;
    return this;
  }

  @Override
  public ResponseStream exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (closedBecause != null || ending) {
      return Future.failedFuture(closedBecause != null ? closedBecause : "stream already ended");
    }
    Promise<Void> written = Promise.promise();
    // Cut when sent, not here: the gateway's chunk limit is known only once it has started the stream.
    queue.add(new Pending(data, written));
    queuedBytes += data.length();
    flush();
    return written.future();
  }

  /** Ends the body once everything written has been sent. */
  @Override
  public Future<Void> end() {
    if (closedBecause != null) {
      return Future.failedFuture(closedBecause);
    }
    ending = true;
    Promise<Void> ended = Promise.promise();
    queue.add(new Pending(null, ended));
    flush();
    return ended.future();
  }

  /** Aborts the body: the gateway cuts the response off so that its client sees it incomplete. */
  public void fail(String message) {
    if (closedBecause == null && gateway != null) {
      vertx.eventBus().send(gateway, StreamMessage.error(message));
    }
    close(message);
  }

  @Override
  public ResponseStream setWriteQueueMaxSize(int maxSize) {
    this.writeQueueMaxSize = maxSize;
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return queuedBytes >= writeQueueMaxSize;
  }

  @Override
  public ResponseStream drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }

  private void onControl(Message<JsonObject> message) {
    JsonObject body = message.body();
    switch (body.getString("type", "")) {
      case StreamMessage.START -> {
        vertx.cancelTimer(startTimer);
        gateway = body.getString("address");
        credit += body.getInteger("credit", 0);
        maxChunkBytes = Math.max(1, body.getInteger("maxChunkBytes", WsgiBus.MAX_CHUNK_BYTES));
        flush();
      }
      case StreamMessage.CREDIT -> {
        credit += body.getInteger("credit", 0);
        flush();
      }
      case StreamMessage.CANCEL -> {
        String reason = body.getString("reason", "cancelled");
        close(reason);
        if (cancelHandler != null) {
          cancelHandler.handle(reason);
        }
      }
      default -> {
        // unknown control messages are ignored, so that the protocol can grow
      }
    }
  }

  private void flush() {
    if (gateway == null || closedBecause != null) {
      return;
    }
    boolean wasFull = writeQueueFull();
    while (!queue.isEmpty()) {
      Pending next = queue.peek();
      if (next.chunk() == null) {
        queue.poll();
        vertx.eventBus().send(gateway, StreamMessage.end());
        control.unregister();
        next.written().complete();
        return;
      }
      if (credit == 0) {
        break;
      }
      credit--;
      queue.poll();
      Buffer chunk = next.chunk();
      if (chunk.length() > maxChunkBytes) {
        // Send the first part now; the rest goes back to the head of the queue for the next credit.
        queue.addFirst(new Pending(chunk.slice(maxChunkBytes, chunk.length()), next.written()));
        chunk = chunk.slice(0, maxChunkBytes);
      } else {
        next.written().complete();
      }
      queuedBytes -= chunk.length();
      vertx.eventBus().send(gateway, StreamMessage.data(seq++, chunk));
    }
    if (wasFull && queuedBytes <= writeQueueMaxSize / 2 && drainHandler != null) {
      drainHandler.handle(null);
    }
  }

  private void close(String reason) {
    if (closedBecause != null) {
      return;
    }
    closedBecause = reason;
    vertx.cancelTimer(startTimer);
    control.unregister();
    Pending pending;
    while ((pending = queue.poll()) != null) {
      pending.written().tryFail(reason);
    }
    queuedBytes = 0;
    if (exceptionHandler != null) {
      exceptionHandler.handle(new IllegalStateException(reason));
    }
  }
}
