package dev.switchboard.gateway.wsgi;

import dev.switchboard.gateway.protect.BodyClocks;
import dev.switchboard.gateway.protect.ConnectionGuards;
import dev.switchboard.wsgi.StreamMessage;
import dev.switchboard.wsgi.WsgiBus;
import dev.switchboard.wsgi.credit.Control;
import dev.switchboard.wsgi.credit.CreditSender;
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
 * request's own, which serves HTTP/2 as well): the client is not the one waiting. The protocol (where chunks go, the
 * credit, their numbering) is the {@link CreditSender}'s.
 */
final class RequestBodyRelay {

  private final EventBus bus;
  private final HttpServerRequest request;
  private final int maxBodyBytes;
  private final Runnable onTooLarge;
  private BodyClocks.Watch watch;
  private MessageConsumer<JsonObject> credits;
  private final CreditSender sender = new CreditSender(Integer.MAX_VALUE);
  private long bytes;

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
      close(StreamMessage.end());
    });
    credits = bus.consumer(WsgiBus.GATEWAY_BODY_PREFIX + UUID.randomUUID(), this::onCredit);
    return credits.completion().map(v -> credits.address());
  }

  private void onCredit(Message<JsonObject> message) {
    Control control = sender.onControl(message.body());
    if (control.kind() == Control.Kind.CANCELLED) {
      // The application wants no more: what is left is read and dropped so the connection stays usable.
      request.handler(chunk -> watch.onBytes(chunk.length()));
      close();
      request.resume();
    } else if (control.kind() == Control.Kind.GRANTED && control.credit() > 0) {
      bodyClock(true);
      request.fetch(control.credit());
    }
  }

  private void onChunk(Buffer chunk) {
    if (!sender.isOpen()) {
      return;
    }
    bytes += chunk.length();
    watch.onBytes(chunk.length());
    if (bytes > maxBodyBytes) {
      close(StreamMessage.error("request body over " + maxBodyBytes + " bytes"));
      onTooLarge.run();
      return;
    }
    bus.send(sender.destination(), StreamMessage.data(sender.take(), chunk));
    if (!sender.hasCredit()) {
      bodyClock(false);
    }
  }

  private void bodyClock(boolean running) {
    ConnectionGuards.bodyClock(request, running);
    watch.running(running);
  }

  /** Ends the relay; safe to call more than once. */
  void close() {
    close(null);
  }

  /** Ends the relay, with {@code lastWord} for the application if it is waiting for the body. */
  private void close(JsonObject lastWord) {
    if (sender.close() && lastWord != null) {
      bus.send(sender.destination(), lastWord);
    }
    if (credits != null) {
      credits.unregister();
    }
  }

  /** The client's body stalled: it gets a 408, and the application an error. */
  void clientTooSlow() {
    close(StreamMessage.error("request body timeout"));
  }

  /** The client went away before the body was complete. */
  void clientGone() {
    close(request.isEnded() ? null : StreamMessage.error("client went away"));
  }
}
