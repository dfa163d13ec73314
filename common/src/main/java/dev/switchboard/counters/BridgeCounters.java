package dev.switchboard.counters;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the TCP event-bus bridge, shared by every verticle instance that serves it. Thread-safe. */
public final class BridgeCounters {

  /** Why the bridge refused a client's connection or frame, or closed a connection. */
  public enum Refusal {
    /** A connection over {@code bridge.maxConnections}: told why and closed. */
    CONNECTION_LIMIT,
    /** A frame declared over {@code bridge.maxFrameBytes}: error frame, connection closed. */
    FRAME_TOO_LONG,
    /** A frame that is not a JSON object the bridge can act on: error frame, the connection goes on. */
    INVALID_FRAME,
    /** A frame without the configured token: error frame, the connection goes on. */
    INVALID_TOKEN,
    /** A register of an address the connection had already registered: nothing to do, no second consumer. */
    DUPLICATE_REGISTER,
    /** A client that left more than {@code bridge.maxPendingBytes} unread: disconnected. */
    SLOW_CLIENT,
    /**
     * A connection needed more than was left of {@code bridge.maxBufferedBytes}: for a frame, error frame and
     * connection closed; for output, disconnected.
     */
    BUFFER_BUDGET
  }

  private final AtomicInteger open = new AtomicInteger();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder unanswered = new LongAdder();
  private final Map<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);

  public BridgeCounters() {
    for (Refusal refusal : Refusal.values()) {
      refused.put(refusal, new LongAdder());
    }
  }

  /** Counts an accepted connection against the limit; false (and nothing counted as open) when the limit is reached. */
  public boolean tryOpen(int limit) {
    accepted.increment();
    if (open.incrementAndGet() > limit) {
      open.decrementAndGet();
      refused.get(Refusal.CONNECTION_LIMIT).increment();
      return false;
    }
    return true;
  }

  /** A connection that was counted open has closed. */
  public void closed() {
    open.decrementAndGet();
  }

  public void count(Refusal refusal) {
    refused.get(refusal).increment();
  }

  /** Messages a client had received and not answered when its connection closed: failed at once. */
  public void unanswered(int messages) {
    unanswered.add(messages);
  }

  public long unanswered() {
    return unanswered.sum();
  }

  public int open() {
    return open.get();
  }

  public long accepted() {
    return accepted.sum();
  }

  public long refused(Refusal refusal) {
    return refused.get(refusal).sum();
  }
}
