package dev.switchboard.wsgi;

import dev.switchboard.wsgi.credit.Control;
import dev.switchboard.wsgi.credit.CreditSender;
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
 * gateway's chunk limit (told in its {@code start} message) are cut into chunks of that size. The protocol is the
 * {@link CreditSender}'s.
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
  private final CreditSender sender = new CreditSender(WsgiBus.MAX_CHUNK_BYTES);
  private long queuedBytes;
  private int writeQueueMaxSize = WsgiBus.MAX_CHUNK_BYTES;
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
    if (sender.close()) {
      vertx.eventBus().send(sender.destination(), StreamMessage.error(message));
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
    Control control = sender.onControl(message.body());
    if (control.kind() == Control.Kind.GRANTED) {
      vertx.cancelTimer(startTimer);
      flush();
    } else if (control.kind() == Control.Kind.CANCELLED) {
      close(control.reason());
      if (cancelHandler != null) {
        cancelHandler.handle(control.reason());
      }
    }
  }

  private void flush() {
    if (sender.destination() == null || closedBecause != null) {
      return;
    }
    boolean wasFull = writeQueueFull();
    while (!queue.isEmpty()) {
      Pending next = queue.peek();
      if (next.chunk() == null) {
        queue.poll();
        sender.close();
        vertx.eventBus().send(sender.destination(), StreamMessage.end());
        control.unregister();
        next.written().complete();
        return;
      }
      if (!sender.canSend()) {
        break;
      }
      queue.poll();
      Buffer chunk = next.chunk();
      int maxChunkBytes = sender.maxChunkBytes();
      if (chunk.length() > maxChunkBytes) {
        // Send the first part now; the rest goes back to the head of the queue for the next credit.
        queue.addFirst(new Pending(chunk.slice(maxChunkBytes, chunk.length()), next.written()));
        chunk = chunk.slice(0, maxChunkBytes);
      } else {
        next.written().complete();
      }
      queuedBytes -= chunk.length();
      vertx.eventBus().send(sender.destination(), StreamMessage.data(sender.take(), chunk));
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
    sender.close();
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
