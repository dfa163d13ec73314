package dev.switchboard.udp;

import dev.switchboard.metrics.EnumCounters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The UDP service's meters ({@code switchboard_udp_*}, docs/metrics.md), shared by all its instances. Thread-safe.
 */
public final class UdpMeters {

  /** Why a received datagram got no answer (besides {@code replyMode: none}). */
  public enum Drop {
    /** Over its source's rate limit. */
    RATE_LIMITED,
    /** Larger than {@code maxDatagramBytes}: only a cut-off part arrived, so it is neither answered nor published. */
    TRUNCATED,
    /** The answer would exceed the largest datagram (e.g. {@code Hello, } + a maximum-size datagram). */
    REPLY_TOO_LARGE,
    /** The answer would be an empty datagram (echo or upper of an empty one), which Netty cannot send. */
    EMPTY_REPLY,
    /** The socket refused to send the answer. */
    REPLY_FAILED,
    /** Answers already waiting for the socket were over its write high-water mark (64 KB): the kernel is not sending. */
    SEND_QUEUE_FULL
  }

  /** Why a datagram's bus event was not published. */
  public enum EventDrop {
    /** {@code publishQueue} events were already waiting. */
    QUEUE_FULL,
    /** Local consumers were more than {@code publishMaxLag} behind. */
    CONSUMER_LAG
  }

  private final Counter received;
  private final Counter replied;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Counter published;
  private final EnumCounters<Drop> dropped;
  private final EnumCounters<EventDrop> eventsDropped;
  /** {@code udp.send} requests received, refused ones included. */
  private final Counter sendRequests;

  public UdpMeters(MeterRegistry registry) {
    received = registry.counter("switchboard.udp.datagrams.received");
    replied = registry.counter("switchboard.udp.datagrams.replied");
    bytesIn = registry.counter("switchboard.udp.received.bytes");
    bytesOut = registry.counter("switchboard.udp.sent.bytes");
    published = registry.counter("switchboard.udp.events.published");
    sendRequests = registry.counter("switchboard.udp.send.requests");
    dropped = new EnumCounters<>(registry, "switchboard.udp.datagrams.dropped", Tags.empty(), "reason", Drop.class);
    eventsDropped = new EnumCounters<>(registry, "switchboard.udp.events.dropped", Tags.empty(), "reason",
        EventDrop.class);
  }

  void onReceived(int bytes) {
    received.increment();
    bytesIn.increment(bytes);
  }

  void onReplied(int bytes) {
    replied.increment();
    bytesOut.increment(bytes);
  }

  void onDropped(Drop why) {
    dropped.increment(why);
  }

  void onPublished() {
    published.increment();
  }

  void onEventDropped(EventDrop why) {
    eventsDropped.increment(why);
  }

  void onSendRequest() {
    sendRequests.increment();
  }

  long received() {
    return (long) received.count();
  }

  long replied() {
    return (long) replied.count();
  }

  long dropped(Drop why) {
    return dropped.count(why);
  }

  long published() {
    return (long) published.count();
  }

  long eventsDropped(EventDrop why) {
    return eventsDropped.count(why);
  }

  long bytesOut() {
    return (long) bytesOut.count();
  }

  long sendRequests() {
    return (long) sendRequests.count();
  }
}
