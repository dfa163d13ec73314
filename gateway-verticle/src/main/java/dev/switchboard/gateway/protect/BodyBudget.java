package dev.switchboard.gateway.protect;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The request body bytes the whole gateway holds in memory at once ({@code limits.maxBufferedBodyBytes}), shared by
 * every gateway instance. Bytes are reserved as they arrive, before they are kept, and released when the request
 * ends, so what is reserved is what is held: a client must really send bytes to take any of the budget. A
 * reservation that would pass the maximum is refused whole, never queued.
 */
public final class BodyBudget {

  private final long max;
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();

  public BodyBudget(long max) {
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
}
