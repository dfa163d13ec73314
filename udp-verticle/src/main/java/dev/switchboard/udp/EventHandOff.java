package dev.switchboard.udp;

import dev.switchboard.access.EventLoopContext;
import dev.switchboard.bus.DatagramEvent;
import dev.switchboard.bus.UdpBus;
import dev.switchboard.udp.UdpMeters.EventDrop;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Carries datagram events from the receive path to the event bus without ever blocking or slowing it.
 *
 * <p>The receive path only offers an event to a bounded queue; a publisher on its own event loop drains the queue in
 * batches, {@value #DRAIN_DELAY_MS} ms after the first event of a batch arrives, rather than being woken for each
 * datagram: the delay bounds the wake-ups to about a thousand a second however fast datagrams come.
 * Two things drop events, and both are counted: a full queue (the publisher cannot keep up), and consumer
 * lag. Vert.x delivers a published message to a local consumer as a task on that consumer's event loop, an unbounded
 * queue, so a slow consumer would otherwise make memory grow without limit. Each event therefore carries its publish
 * time in a header, and an inbound interceptor measures how long deliveries waited; while any local consumer is more
 * than {@code maxLag} behind, new events are dropped until it has caught up. Consumers that are merely gone cost
 * nothing: a published message with no consumer is discarded by the bus.
 */
final class EventHandOff {

  static final String LAG_HEADER = "switchboard-published";
  private static final int BATCH = 256;
  private static final long DRAIN_DELAY_MS = 1;

  private final EventBus bus;
  private final UdpMeters meters;
  private final BlockingQueue<DatagramEvent> queue;
  private final long maxLagNanos;
  private final String origin = UUID.randomUUID().toString();
  private final EventLoopContext publisher;
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final Handler<DeliveryContext<Object>> lagProbe = this::probe;
  private volatile boolean lagSeen;
  private volatile long lagSeenAt;

  EventHandOff(Vertx vertx, UdpMeters meters, int capacity, Duration maxLag) {
    this.bus = vertx.eventBus();
    this.meters = meters;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.maxLagNanos = maxLag.toNanos();
    this.publisher = EventLoopContext.create(vertx);
  }

  void open() {
    bus.addInboundInterceptor(lagProbe);
  }

  void close() {
    bus.removeInboundInterceptor(lagProbe);
  }

  /** Called on the receive path: never waits. */
  void offer(DatagramEvent event) {
    if (lagSeen && System.nanoTime() - lagSeenAt < maxLagNanos) {
      meters.onEventDropped(EventDrop.CONSUMER_LAG);
      return;
    }
    if (!queue.offer(event)) {
      meters.onEventDropped(EventDrop.QUEUE_FULL);
      return;
    }
    if (drainScheduled.compareAndSet(false, true)) {
      publisher.setTimer(DRAIN_DELAY_MS, id -> drain());
    }
  }

  private void drain() {
    drainScheduled.set(false);
    for (int i = 0; i < BATCH; i++) {
      DatagramEvent event = queue.poll();
      if (event == null) {
        return;
      }
      bus.publish(UdpBus.DATAGRAMS, event.toJson(),
          new DeliveryOptions().addHeader(LAG_HEADER, origin + " " + System.nanoTime()));
      meters.onPublished();
    }
    // More waiting: yield the event loop between batches, then go on.
    if (drainScheduled.compareAndSet(false, true)) {
      publisher.runOnContext(v -> drain());
    }
  }

  /** Runs on the consumer's event loop just before its handler: how long did this delivery wait? */
  private void probe(DeliveryContext<Object> delivery) {
    if (UdpBus.DATAGRAMS.equals(delivery.message().address())) {
      String stamp = delivery.message().headers().get(LAG_HEADER);
      if (stamp != null && stamp.startsWith(origin)) {
        long now = System.nanoTime();
        if (maxLagNanos > 0 && now - Long.parseLong(stamp.substring(origin.length() + 1)) > maxLagNanos) {
          lagSeenAt = now;
          lagSeen = true;
        }
      }
    }
    delivery.next();
  }
}
