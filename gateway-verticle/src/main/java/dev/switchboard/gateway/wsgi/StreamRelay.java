package dev.switchboard.gateway.wsgi;

import dev.switchboard.bus.Requester;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.connection.ConnectionClock;
import dev.switchboard.connection.Timers;
import dev.switchboard.connection.UnsentBytes;
import dev.switchboard.gateway.http.ConnectionEnd;
import dev.switchboard.gateway.http.RequestIds;
import dev.switchboard.gateway.meters.GatewayMeters;
import dev.switchboard.gateway.meters.GatewayMeters.Failure;
import dev.switchboard.wsgi.StreamMessage;
import dev.switchboard.wsgi.WsgiBus;
import dev.switchboard.wsgi.WsgiResponse;
import dev.switchboard.wsgi.credit.CreditReceiver;
import dev.switchboard.wsgi.credit.Received;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway side of a streamed response: takes the application's chunks at its own address and writes them to the
 * client, granting the application one credit per chunk the client's socket has taken. With at most
 * {@code stream.credit} chunks in flight, and credit withheld while more than one chunk's worth is written but not yet
 * sent, what the gateway holds for a stream is at most (credit + 1) x maxChunkBytes, however slow the client and
 * however fast the application.
 * The protocol (what each message means, the credit to grant) is the {@link CreditReceiver}'s; sent bytes are
 * counted by {@link UnsentBytes}.
 */
final class StreamRelay {

  private static final Logger LOG = LoggerFactory.getLogger(StreamRelay.class);

  private final EventBus bus;
  private final RoutingContext ctx;
  private final HttpServerResponse response;
  private final WsgiResponse head;
  private final GatewayConfig config;
  private final GatewayMeters meters;
  private final long declaredLength;
  private final CreditReceiver credit;
  private MessageConsumer<JsonObject> chunks;
  private final UnsentBytes pending = new UnsentBytes();
  private final long idleNanos;
  private final ConnectionClock idleClock;
  private long lastMessageAt;
  private boolean done;
  private boolean closeAtEnd;
  private final boolean http10;
  private final Runnable unwatchSender;

  /**
   * @param reply     the application's answer carrying {@code head}
   * @param requester watches the node that sent it: when that node leaves the cluster the stream is cut off at once
   */
  StreamRelay(Vertx vertx, RoutingContext ctx, WsgiResponse head, GatewayConfig config, GatewayMeters meters,
              Message<?> reply, Requester requester) {
    this.bus = vertx.eventBus();
    this.ctx = ctx;
    this.response = ctx.response();
    this.head = head;
    this.config = config;
    this.meters = meters;
    this.declaredLength = ResponseHead.declaredLength(head);
    this.credit = new CreditReceiver(config.streamCredit(), config.streamCredit() / 4, config.streamMaxChunkBytes(),
        declaredLength);
    this.idleNanos = config.streamIdleTimeout().toNanos();
    this.idleClock = new ConnectionClock(Timers.of(vertx), System::nanoTime, now -> idleDeadline(), this::idleExpired);
    this.lastMessageAt = idleClock.now();
    this.http10 = ctx.request().version() == io.vertx.core.http.HttpVersion.HTTP_1_0;
    this.unwatchSender = requester.watchSender(reply, () -> abort("the cluster node streaming the answer left"));
  }

  void start() {
    meters.onStreamStarted();
    String address = WsgiBus.GATEWAY_STREAM_PREFIX + UUID.randomUUID();
    chunks = bus.consumer(address, this::onMessage);
    response.closeHandler(v -> clientGone());
    chunks.completion().onComplete(registered -> {
      if (registered.failed()) {
        abort("stream address not registered");
        return;
      }
      if (done) {
        return;
      }
      ResponseHead.apply(head, response);
      if (declaredLength >= 0 || http10) {
        // HTTP/1.0 has no chunked encoding: without a length the body ends when the connection does.
        closeAtEnd = http10 && declaredLength < 0;
      } else {
        response.setChunked(true);
        // Send the head now: the client learns the status even if the first chunk is slow.
        response.writeHead();
      }
      bus.send(head.stream(), StreamMessage.start(address, credit.open(), config.streamMaxChunkBytes()));
      idleClock.reschedule();
    });
  }

  private void onMessage(Message<JsonObject> message) {
    if (done) {
      return;
    }
    lastMessageAt = idleClock.now();
    Received received = credit.onMessage(message.body());
    switch (received.kind()) {
      case CHUNK -> write(received.chunk().data());
      case END -> onEnd();
      case ERROR -> abort("application error: " + (received.reason() == null ? "unknown" : received.reason()));
      case VIOLATION -> abort(received.reason());
      case IGNORED -> {
      }
    }
  }

  private void write(Buffer chunk) {
    pending.write(chunk, response::write, (bytes, failed) -> grant(credit.drained(pending.pending())));
    grant(credit.taken(pending.pending()));
  }

  private void grant(int granted) {
    if (granted > 0) {
      bus.send(head.stream(), StreamMessage.credit(granted));
    }
  }

  private void onEnd() {
    response.end();
    if (closeAtEnd) {
      ctx.request().connection().close();
    }
    finish();
  }

  private void clientGone() {
    if (!done) {
      LOG.info("request {}: client went away during a streamed response after {} bytes", RequestIds.of(ctx),
          credit.received());
      bus.send(head.stream(), StreamMessage.cancel("client-gone"));
      finish();
    }
  }

  /** The body cannot be completed: the application is told, and the client sees the response cut off. */
  private void abort(String reason) {
    if (done) {
      return;
    }
    LOG.info("request {}: streamed response aborted after {} bytes: {}", RequestIds.of(ctx), credit.received(),
        reason);
    meters.onFailure(Failure.STREAM_ABORTED);
    bus.send(head.stream(), StreamMessage.cancel("aborted"));
    finish();
    if (!response.headWritten()) {
      response.setStatusCode(502).putHeader("Content-Type", "text/plain; charset=utf-8").end("streamed response failed\n");
    } else {
      ConnectionEnd.cut(ctx);
    }
  }

  private void finish() {
    done = true;
    credit.close();
    unwatchSender.run();
    idleClock.stop();
    chunks.unregister();
    meters.onStreamEnded(pending.peak());
  }

  private long idleDeadline() {
    return ConnectionClock.deadline(idleNanos, lastMessageAt);
  }

  /** Only waiting on the application counts as idle: with no credit out, a slow client is what holds the stream. */
  private boolean idleExpired(long now) {
    if (done) {
      return true;
    }
    if (credit.awaitingChunks() && ConnectionClock.passed(idleDeadline(), now)) {
      abort("no chunk from the application for " + idleNanos / 1_000_000 + " ms");
      return true;
    }
    if (!credit.awaitingChunks()) {
      lastMessageAt = now;
    }
    return false;
  }
}
