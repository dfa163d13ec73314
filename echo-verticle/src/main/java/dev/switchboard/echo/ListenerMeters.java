package dev.switchboard.echo;

import dev.switchboard.bus.CloseReason;
import dev.switchboard.metrics.EnumCounters;
import dev.switchboard.metrics.LimitedCount;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one echo listener, tagged {@code listener}, and what its connections count against: the connection
 * limit and the connection ids. Shared by every instance of the service. Thread-safe.
 */
final class ListenerMeters {

  private final LimitedCount open;
  private final AtomicLong nextId = new AtomicLong();
  private final Counter accepted;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Counter readPauses;
  private final Counter tlsHandshakeFailures;
  private final EnumCounters<CloseReason> closed;

  ListenerMeters(MeterRegistry registry, String listener) {
    Tags tags = Tags.of("listener", listener);
    open = new LimitedCount(registry, "switchboard.echo.connections", tags);
    accepted = registry.counter("switchboard.echo.connections.accepted", tags);
    bytesIn = registry.counter("switchboard.echo.received.bytes", tags);
    bytesOut = registry.counter("switchboard.echo.sent.bytes", tags);
    readPauses = registry.counter("switchboard.echo.read.pauses", tags);
    tlsHandshakeFailures = registry.counter("switchboard.echo.tls.handshake.failures", tags);
    closed = new EnumCounters<>(registry, "switchboard.echo.connections.closed", tags, "reason", CloseReason.class);
  }

  /** Counts an accepted connection against the limit; false (and nothing counted as open) when the limit is reached. */
  boolean tryOpen(int limit) {
    accepted.increment();
    return open.tryAdd(limit);
  }

  /** A connection that was counted open has closed. */
  void closedOpen(CloseReason reason) {
    open.remove();
    closed.increment(reason);
  }

  /** A connection refused at accept has closed. */
  void refused() {
    closed.increment(CloseReason.LIMIT);
  }

  long nextConnectionId() {
    return nextId.incrementAndGet();
  }

  void bytesIn(int n) {
    bytesIn.increment(n);
  }

  void bytesOut(int n) {
    bytesOut.increment(n);
  }

  void readPaused() {
    readPauses.increment();
  }

  /** A TLS handshake failed: the connection never reached the service, so it is neither accepted nor closed. */
  void tlsHandshakeFailed() {
    tlsHandshakeFailures.increment();
  }

  int open() {
    return open.get();
  }

  long closed(CloseReason reason) {
    return closed.count(reason);
  }

  long accepted() {
    return (long) accepted.count();
  }

  long readPauses() {
    return (long) readPauses.count();
  }

  long tlsHandshakeFailures() {
    return (long) tlsHandshakeFailures.count();
  }

  long bytesIn() {
    return (long) bytesIn.count();
  }
}
