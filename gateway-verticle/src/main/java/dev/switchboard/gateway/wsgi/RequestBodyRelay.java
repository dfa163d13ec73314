package dev.switchboard.gateway.wsgi;

import dev.switchboard.gateway.protect.BodyClocks;
import dev.switchboard.gateway.protect.ConnectionGuards;
import dev.switchboard.wsgi.StreamMessage;
import dev.switchboard.wsgi.WsgiBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The gateway side of a streamed request body: the client's socket stays paused, and each credit the application
 * grants lets exactly one more chunk be read and sent on. So a slow application slows the upload, and the gateway
 * holds no body at all. While the application grants nothing, the body's gap clock stops (the connection's, and the
 * request's own, which serves HTTP/2 as well): the client is not the one waiting.
 */
final class RequestBodyRelay {

  private final EventBus bus;
  private final HttpServerRequest request;
  private final int maxBodyBytes;
  private final Runnable onTooLarge;
  private BodyClocks.Watch watch;
  private MessageConsumer<JsonObject> credits;
  private String application;
  private long credit;
  private long seq;
  private long bytes;
  private boolean closed;

  RequestBodyRelay(Vertx vertx, HttpServerRequest request, int maxBodyBytes, Runnable onTooLarge) {
    this.bus = vertx.eventBus();
    this.request = request;
    this.maxBodyBytes = maxBodyBytes;
    this.onTooLarge = onTooLarge;
  }

  /** The request's own body clock, told of every chunk and of when the application grants nothing. */
  void watch(BodyClocks.Watch clock) {
    this.watch = clock;
  }

  /** Pauses the request and opens the credit address; the future gives the address for the request message. */
  Future<String> open() {
    request.pause();
    bodyClock(false);
    request.handler(this::onChunk);
    request.endHandler(v -> {
      watch.done();
      if (application != null && !closed) {
        bus.send(application, StreamMessage.end());
      }
      close();
    });
    credits = bus.consumer(WsgiBus.GATEWAY_BODY_PREFIX + UUID.randomUUID(), this::onCredit);
    return credits.completion().map(v -> credits.address());
  }

  private void onCredit(Message<JsonObject> message) {
    if (closed) {
      return;
    }
    JsonObject body = message.body();
    if (StreamMessage.CANCEL.equals(body.getString("type"))) {
      // The application wants no more: what is left is read and dropped so the connection stays usable.
      request.handler(chunk -> watch.onBytes(chunk.length()));
      close();
      request.resume();
      return;
    }
    String address = body.getString("address");
    if (address != null) {
      application = address;
    }
    int granted = body.getInteger("credit", 0);
    if (application == null || granted <= 0) {
      return;
    }
    credit += granted;
    bodyClock(true);
    request.fetch(granted);
  }

  private void onChunk(Buffer chunk) {
    if (closed) {
      return;
    }
    bytes += chunk.length();
    watch.onBytes(chunk.length());
    if (bytes > maxBodyBytes) {
      bus.send(application, StreamMessage.error("request body over " + maxBodyBytes + " bytes"));
      close();
      onTooLarge.run();
      return;
    }
    bus.send(application, StreamMessage.data(seq++, chunk));
    if (--credit == 0) {
      bodyClock(false);
    }
  }

  private void bodyClock(boolean running) {
    ConnectionGuards.bodyClock(request, running);
    watch.running(running);
  }

  /** Ends the relay; safe to call more than once. If the body is unfinished, the application is told. */
  void close() {
    if (!closed) {
      closed = true;
      if (credits != null) {
        credits.unregister();
      }
    }
  }

  /** The client's body stalled: it gets a 408, and the application an error. */
  void clientTooSlow() {
    if (!closed && application != null) {
      bus.send(application, StreamMessage.error("request body timeout"));
    }
    close();
  }

  /** The client went away before the body was complete. */
  void clientGone() {
    if (!closed && application != null && !request.isEnded()) {
      bus.send(application, StreamMessage.error("client went away"));
    }
    close();
  }
}
