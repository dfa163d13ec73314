package dev.switchboard.counters;

import dev.switchboard.bus.CloseReason;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one TCP listener, shared by every verticle instance that serves it. Thread-safe. */
public final class ListenerCounters {

  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong nextId = new AtomicLong();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();
  private final LongAdder readPauses = new LongAdder();
  private final LongAdder tlsHandshakeFailures = new LongAdder();
  private final Map<CloseReason, LongAdder> closed = new EnumMap<>(CloseReason.class);

  ListenerCounters() {
    for (CloseReason reason : CloseReason.values()) {
      closed.put(reason, new LongAdder());
    }
  }

  /** Counts an accepted connection against the limit; false (and nothing counted as open) when the limit is reached. */
  public boolean tryOpen(int limit) {
    accepted.increment();
    if (open.incrementAndGet() > limit) {
      open.decrementAndGet();
      return false;
    }
    return true;
  }

  /** A connection that was counted open has closed. */
  public void closedOpen(CloseReason reason) {
    open.decrementAndGet();
    closed.get(reason).increment();
  }

  /** A connection refused at accept has closed. */
  public void refused() {
    closed.get(CloseReason.LIMIT).increment();
  }

  public long nextConnectionId() {
    return nextId.incrementAndGet();
  }

  public void bytesIn(int n) {
    bytesIn.add(n);
  }

  public void bytesOut(int n) {
    bytesOut.add(n);
  }

  public void readPaused() {
    readPauses.increment();
  }

  /** A TLS handshake failed: the connection never reached the service, so it is neither accepted nor closed. */
  public void tlsHandshakeFailed() {
    tlsHandshakeFailures.increment();
  }

  public int open() {
    return open.get();
  }

  public long closed(CloseReason reason) {
    return closed.get(reason).sum();
  }

  public long accepted() {
    return accepted.sum();
  }

  public long readPauses() {
    return readPauses.sum();
  }

  public long tlsHandshakeFailures() {
    return tlsHandshakeFailures.sum();
  }

  public long bytesIn() {
    return bytesIn.sum();
  }

  public long bytesOut() {
    return bytesOut.sum();
  }

  /** {@code {"open":1,"accepted":3,"bytesIn":..,"bytesOut":..,"readPauses":..,"tlsHandshakeFailures":..,"closed":{"eof":2,...}}} */
  public JsonObject toJson() {
    JsonObject byReason = new JsonObject();
    closed.forEach((reason, count) -> byReason.put(reason.wireName(), count.sum()));
    return new JsonObject()
        .put("open", open.get())
        .put("accepted", accepted.sum())
        .put("bytesIn", bytesIn.sum())
        .put("bytesOut", bytesOut.sum())
        .put("readPauses", readPauses.sum())
        .put("tlsHandshakeFailures", tlsHandshakeFailures.sum())
        .put("closed", byReason);
  }
}
