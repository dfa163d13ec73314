package dev.switchboard.wsgi;

import dev.switchboard.wsgi.credit.CreditReceiver;
import dev.switchboard.wsgi.credit.Received;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;
import java.util.UUID;

/**
 * The application side of a streamed request body, as a {@link ReadStream}: {@code body.pipeTo(file)} just works.
 * The gateway reads the client's socket only against the credit granted here, a few chunks ahead of what the
 * handler has taken, so a slow application slows the upload instead of filling the gateway. The protocol is the
 * {@link CreditReceiver}'s. Use it from the context that received the request.
 */
public final class RequestBody implements ReadStream<Buffer> {

  /** Chunks granted ahead of the handler. */
  static final int WINDOW = 4;

  private final Vertx vertx;
  private final String gateway;
  private final MessageConsumer<JsonObject> chunks;
  private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
  private final CreditReceiver credit = CreditReceiver.unlimited(WINDOW);
  private long demand = Long.MAX_VALUE;
  private boolean ended;
  private boolean endDelivered;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  private RequestBody(Vertx vertx, String gateway) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.chunks = vertx.eventBus().consumer(WsgiBus.APP_BODY_PREFIX + UUID.randomUUID(), this::onMessage);
    // The first credit tells the gateway where to send; it goes once this address is known cluster-wide.
    chunks.completion().onSuccess(v -> grant(credit.open()));
  }

  /**
   * The body of a request, as a stream. For a request that carried its body in the message, the stream delivers that
   * body and ends.
   */
  public static ReadStream<Buffer> of(Vertx vertx, WsgiRequest request) {
    if (request.bodyStream() == null) {
      return new WholeBody(request.body());
    }
    return new RequestBody(vertx, request.bodyStream());
  }

  @Override
  public RequestBody handler(Handler<Buffer> handler) {
    this.handler = handler;
    drain();
    return this;
  }

  @Override
  public RequestBody endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    drain();
    return this;
  }

  @Override
  public RequestBody exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public RequestBody pause() {
    demand = 0;
    return this;
  }

  @Override
  public RequestBody resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public RequestBody fetch(long amount) {
    demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    drain();
    return this;
  }

  private void onMessage(Message<JsonObject> message) {
    Received received = credit.onMessage(message.body());
    switch (received.kind()) {
      case CHUNK -> queue.add(received.chunk().data());
      case END -> ended = true;
      case ERROR -> fail(received.reason() == null ? "request body failed" : received.reason());
      case VIOLATION -> fail(received.reason());
      case IGNORED -> {
      }
    }
    drain();
  }

  private void drain() {
    while (demand > 0 && handler != null && !queue.isEmpty()) {
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      handler.handle(queue.poll());
      credit.owe();
    }
    int owed = credit.flush();
    if (owed > 0) {
      grant(owed);
    }
    if (ended && queue.isEmpty() && !endDelivered && endHandler != null) {
      endDelivered = true;
      chunks.unregister();
      endHandler.handle(null);
    }
  }

  private void grant(int granted) {
    vertx.eventBus().send(gateway, StreamMessage.credit(granted).put("address", chunks.address()));
  }

  private void fail(String reason) {
    chunks.unregister();
    queue.clear();
    if (exceptionHandler != null) {
      exceptionHandler.handle(new IllegalStateException(reason));
    }
  }

  /** A body that came whole in the message, offered as a stream for code that handles both. */
  private static final class WholeBody implements ReadStream<Buffer> {
    private Buffer body;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private boolean paused;

    WholeBody(Buffer body) {
      this.body = body;
    }

    @Override
    public WholeBody exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public WholeBody handler(Handler<Buffer> handler) {
      this.handler = handler;
      deliver();
      return this;
    }

    @Override
    public WholeBody pause() {
      paused = true;
      return this;
    }

    @Override
    public WholeBody resume() {
      paused = false;
      deliver();
      return this;
    }

    @Override
    public WholeBody fetch(long amount) {
      return amount > 0 ? resume() : this;
    }

    @Override
    public WholeBody endHandler(Handler<Void> endHandler) {
      this.endHandler = endHandler;
      deliver();
      return this;
    }

    private void deliver() {
      if (paused || handler == null || endHandler == null) {
        return;
      }
      if (body != null) {
        Buffer whole = body;
        body = null;
        if (whole.length() > 0) {
          handler.handle(whole);
        }
      }
      Handler<Void> end = endHandler;
      endHandler = null;
      end.handle(null);
    }
  }
}
