package dev.switchboard.bridge;

import dev.switchboard.metrics.EnumCounters;
import dev.switchboard.metrics.LimitedCount;
import dev.switchboard.net.MemoryBudget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The TCP event-bus bridge's meters ({@code switchboard_bridge_*}, docs/metrics.md), and the connection count its
 * limit admits against. One object per bridge, shared by every instance. Thread-safe.
 */
public final class BridgeMeters {

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

  private final LimitedCount open;
  private final Counter accepted;
  private final Counter unanswered;
  private final EnumCounters<Refusal> refused;

  /** @param budget {@code bridge.maxBufferedBytes}, shared by every instance of the bridge */
  public BridgeMeters(MeterRegistry registry, MemoryBudget budget) {
    open = new LimitedCount(registry, "switchboard.bridge.connections", Tags.empty());
    accepted = registry.counter("switchboard.bridge.connections.accepted");
    unanswered = registry.counter("switchboard.bridge.unanswered");
    refused = new EnumCounters<>(registry, "switchboard.bridge.refusals", Tags.empty(), "reason", Refusal.class);
    Gauge.builder("switchboard.bridge.buffered.bytes", budget, MemoryBudget::held).register(registry);
  }

  /** Counts an accepted connection against the limit; false (and nothing counted as open) when the limit is reached. */
  boolean tryOpen(int limit) {
    accepted.increment();
    if (!open.tryAdd(limit)) {
      refused.increment(Refusal.CONNECTION_LIMIT);
      return false;
    }
    return true;
  }

  /** A connection that was counted open has closed. */
  void closed() {
    open.remove();
  }

  void count(Refusal refusal) {
    refused.increment(refusal);
  }

  /** Messages a client had received and not answered when its connection closed: failed at once. */
  void unanswered(int messages) {
    unanswered.increment(messages);
  }

  public long unanswered() {
    return (long) unanswered.count();
  }

  int open() {
    return open.get();
  }

  long refused(Refusal refusal) {
    return refused.count(refusal);
  }
}
