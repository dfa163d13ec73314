package dev.switchboard.bridge;

import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages one bridge connection was handed and has not answered yet, so that they fail at once when the
 * connection closes. The Vert.x bridge keeps each message that awaits a reply in a map of its own, private, and drops
 * that map with the connection: the sender then waits out its whole timeout (the gateway's 30 s) for a client that is
 * gone.
 *
 * <p>How a message comes here, through public API only: {@link #INTERCEPTOR}, an inbound interceptor on the event
 * bus, marks on its thread the message being delivered, when it awaits a reply. The bridge's consumer (or its reply
 * handler, for a reply that awaits a reply in turn) writes the message's frame from inside that delivery, on the
 * connection's event loop, and the connection's {@link BridgeSocketGuard} calls {@link #written()} as the write passes
 * it: the mark is this connection's. A write that does not happen within the delivery (another thread, a queued write)
 * is simply not tracked, and that message waits for its timeout as before. The client's answer, a {@code send} to the
 * reply address with or without a {@code failureCode}, ends the wait ({@link #answered}).
 *
 * <p>A message the client never answers stays here until the connection closes, as it stays in the Vert.x bridge's own
 * map: the same objects, so this holds no more than the bridge does.
 *
 * <p>Confined to the connection's event loop: the guard, the frame filter and the socket's close handler all run there.
 */
final class UnansweredRequests {

  private static final ThreadLocal<Message<?>> DELIVERING = new ThreadLocal<>();

  /** Add to the event bus's inbound interceptors while a bridge serves; it only marks, and always delivers. */
  static final Handler<DeliveryContext<Object>> INTERCEPTOR = UnansweredRequests::intercept;

  private final Map<String, Message<?>> waiting = new HashMap<>();

  private static void intercept(DeliveryContext<Object> delivery) {
    Message<?> message = delivery.message();
    if (message.replyAddress() == null) {
      delivery.next();
      return;
    }
    Message<?> outer = DELIVERING.get();
    DELIVERING.set(message);
    try {
      delivery.next();
    } finally {
      if (outer == null) {
        DELIVERING.remove();
      } else {
        DELIVERING.set(outer);
      }
    }
  }

  /** A frame is being written to this connection: a message being delivered on this thread now waits for its answer. */
  void written() {
    Message<?> message = DELIVERING.get();
    if (message != null) {
      DELIVERING.remove();
      waiting.put(message.replyAddress(), message);
    }
  }

  /** The client sent a frame to {@code address}: if that is a reply address it was handed, the message is answered. */
  void answered(String address) {
    waiting.remove(address);
  }

  int size() {
    return waiting.size();
  }

  /** Fails every message still waiting, as the connection has closed. */
  void failAll(int failureCode, String reason) {
    List<Message<?>> failing = List.copyOf(waiting.values());
    waiting.clear();
    failing.forEach(message -> message.fail(failureCode, reason));
  }
}
