package dev.switchboard.net;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes a whole service may hold in memory at once for its clients (request bodies, unfinished frames, unsent
 * output), shared by every instance of the service: each connection's buffers are bounded on their own, but only a
 * budget bounds their sum. Bytes are reserved as they are kept, before or as they arrive, and released when they are
 * gone, so what is reserved is what is held: a client must really send (or really leave unread) bytes to take any
 * of it. A reservation that would pass the maximum is refused whole, never queued. Thread-safe.
 */
public final class MemoryBudget {

  private final long max;
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();

  public MemoryBudget(long max) {
    if (max <= 0) {
      throw new IllegalArgumentException("max must be positive: " + max);
    }
    this.max = max;
  }

  /** Reserves {@code bytes} unless that would pass the maximum; false (and nothing reserved) when it would. */
  public boolean tryReserve(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative: " + bytes);
    }
    long now;
    long next;
    do {
      now = held.get();
      next = now + bytes;
      if (next > max || next < 0) {
        return false;
      }
    } while (!held.compareAndSet(now, next));
    peak.accumulateAndGet(next, Math::max);
    return true;
  }

  /** Gives back what {@link #tryReserve} took. */
  public void release(long bytes) {
    if (bytes != 0) {
      held.addAndGet(-bytes);
    }
  }

  /** Whether {@code bytes} more would fit now (a hint: others may reserve in between). */
  public boolean fits(long bytes) {
    return bytes <= max - held.get();
  }

  public long held() {
    return held.get();
  }

  /** The most ever held at once. */
  public long peak() {
    return peak.get();
  }

  public long max() {
    return max;
  }

  /** A new, empty share of this budget for one connection's buffer. */
  public Share share() {
    return new Share(this);
  }

  /**
   * What one buffer of one connection holds of the budget, so that whatever happened, {@link #close()} gives all of
   * it back exactly once. Not thread-safe: one share per buffer, used from the connection's event loop.
   */
  public static final class Share {

    private final MemoryBudget budget;
    private long held;
    private boolean closed;

    private Share(MemoryBudget budget) {
      this.budget = budget;
    }

    /**
     * Reserves {@code bytes} more for this buffer; false (nothing reserved) when the budget has no room. A closed
     * share takes nothing and refuses nothing: what its connection still writes is about to be dropped anyway.
     */
    public boolean tryReserve(long bytes) {
      if (closed) {
        return true;
      }
      if (!budget.tryReserve(bytes)) {
        return false;
      }
      held += bytes;
      return true;
    }

    /** Gives back {@code bytes}, or all this share holds if that is less (so bytes never reserved are never released). */
    public void release(long bytes) {
      long released = Math.min(bytes, held);
      held -= released;
      budget.release(released);
    }

    /** Reserves or releases the difference so that this share holds {@code bytes}; false (nothing changed) when the budget has no room. */
    public boolean tryResize(long bytes) {
      return bytes >= held ? tryReserve(bytes - held) : releaseTo(bytes);
    }

    private boolean releaseTo(long bytes) {
      release(held - bytes);
      return true;
    }

    /** Gives back everything and takes nothing more: the connection is gone. */
    public void close() {
      release(held);
      closed = true;
    }

    public long held() {
      return held;
    }

    /** The budget this is a share of. */
    public MemoryBudget budget() {
      return budget;
    }
  }
}
