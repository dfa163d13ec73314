package dev.switchboard.deploy.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.EventBus;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests this node's consumers have received and not yet answered, seen by two event-bus interceptors: a
 * request coming in with a reply address adds it, the reply going out to that address removes it. A node that
 * leaves the cluster waits until this is empty, so that no request already routed to it is dropped.
 *
 * <p>A consumer that never answers would leave its entries here: they are forgotten after {@link #FORGET_AFTER}, far
 * longer than any request timeout a route would use.
 */
final class OwedReplies {

  static final Duration FORGET_AFTER = Duration.ofMinutes(10);

  private final Vertx vertx;
  /** Reply address → when the request came in (nanoTime). */
  private final Map<String, Long> owed = new ConcurrentHashMap<>();
  /** Set while the node waits for the last reply: completed by the reply that empties {@link #owed}. */
  private volatile Promise<Integer> emptied;

  OwedReplies(Vertx vertx) {
    this.vertx = vertx;
  }

  void install(EventBus bus) {
    bus.addInboundInterceptor(this::inbound);
    bus.addOutboundInterceptor(this::outbound);
    vertx.setPeriodic(Duration.ofMinutes(1).toMillis(), id -> forgetOld());
  }

  private void inbound(DeliveryContext<Object> delivery) {
    String replyAddress = delivery.message().replyAddress();
    if (delivery.send() && replyAddress != null) {
      owed.put(replyAddress, System.nanoTime());
    }
    delivery.next();
  }

  private void outbound(DeliveryContext<Object> delivery) {
    delivery.next();
    Promise<Integer> waiting = emptied;
    if (owed.remove(delivery.message().address()) != null && waiting != null && owed.isEmpty()) {
      waiting.tryComplete(0);
    }
  }

  int size() {
    return owed.size();
  }

  /** Completes when nothing is owed, or with the number still owed once {@code within} has passed. */
  Future<Integer> awaitNone(Duration within) {
    Promise<Integer> done = Promise.promise();
    emptied = done;
    if (owed.isEmpty()) {
      done.tryComplete(0);
    }
    long timer = vertx.setTimer(Math.max(1, within.toMillis()), id -> done.tryComplete(owed.size()));
    return done.future().onComplete(v -> vertx.cancelTimer(timer));
  }

  private void forgetOld() {
    long oldest = System.nanoTime() - FORGET_AFTER.toNanos();
    owed.values().removeIf(received -> received - oldest < 0);
  }
}
