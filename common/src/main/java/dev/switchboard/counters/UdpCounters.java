package dev.switchboard.counters;

import dev.switchboard.bus.WireName;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The UDP service's counters, shared by all its instances. Thread-safe. */
public final class UdpCounters {

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
    SEND_QUEUE_FULL;

    public String wireName() {
      return WireName.of(this);
    }
  }

  /** Why a datagram's bus event was not published. */
  public enum EventDrop {
    /** {@code publishQueue} events were already waiting. */
    QUEUE_FULL,
    /** Local consumers were more than {@code publishMaxLag} behind. */
    CONSUMER_LAG;

    public String wireName() {
      return WireName.of(this);
    }
  }

  private final LongAdder received = new LongAdder();
  private final LongAdder replied = new LongAdder();
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();
  private final LongAdder published = new LongAdder();
  private final LongAdder sendRequests = new LongAdder();
  private final Map<Drop, LongAdder> dropped = new EnumMap<>(Drop.class);
  private final Map<EventDrop, LongAdder> eventsDropped = new EnumMap<>(EventDrop.class);

  public UdpCounters() {
    for (Drop drop : Drop.values()) {
      dropped.put(drop, new LongAdder());
    }
    for (EventDrop drop : EventDrop.values()) {
      eventsDropped.put(drop, new LongAdder());
    }
  }

  public void onReceived(int bytes) {
    received.increment();
    bytesIn.add(bytes);
  }

  public void onReplied(int bytes) {
    replied.increment();
    bytesOut.add(bytes);
  }

  public void onDropped(Drop why) {
    dropped.get(why).increment();
  }

  public void onPublished() {
    published.increment();
  }

  public void onEventDropped(EventDrop why) {
    eventsDropped.get(why).increment();
  }

  public void onSendRequest() {
    sendRequests.increment();
  }

  public long received() {
    return received.sum();
  }

  public long replied() {
    return replied.sum();
  }

  public long dropped(Drop why) {
    return dropped.get(why).sum();
  }

  public long published() {
    return published.sum();
  }

  public long eventsDropped(EventDrop why) {
    return eventsDropped.get(why).sum();
  }

  public long bytesIn() {
    return bytesIn.sum();
  }

  public long bytesOut() {
    return bytesOut.sum();
  }

  public JsonObject toJson() {
    JsonObject drops = new JsonObject();
    dropped.forEach((why, count) -> drops.put(why.wireName(), count.sum()));
    JsonObject eventDrops = new JsonObject();
    eventsDropped.forEach((why, count) -> eventDrops.put(why.wireName(), count.sum()));
    return new JsonObject()
        .put("received", received.sum())
        .put("replied", replied.sum())
        .put("bytesIn", bytesIn.sum())
        .put("bytesOut", bytesOut.sum())
        .put("dropped", drops)
        .put("published", published.sum())
        .put("eventsDropped", eventDrops)
        .put("sendRequests", sendRequests.sum());
  }
}
