package dev.switchboard.net;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per source address: {@code ratePerSecond} datagrams a second, up to {@code burst} at once. The
 * buckets of at most {@code maxSources} sources are kept, the least recently seen forgotten first, so a flood of
 * spoofed source addresses costs bounded memory (a forgotten source starts again with a full bucket). Thread-safe:
 * one limiter serves every instance of a service (the UDP service per sender, the gateway per client).
 */
public final class SourceRateLimiter {

  private static final class Bucket {
    double tokens;
    long refilledAt;
  }

  private final double perNano;
  private final double burst;
  private final Map<String, Bucket> buckets;

  public SourceRateLimiter(int ratePerSecond, int burst, int maxSources) {
    this.perNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
        return size() > maxSources;
      }
    };
  }

  /** Takes a token for the source at time {@code now} (nanoseconds); false when its bucket is empty. */
  public synchronized boolean allow(String source, long now) {
    Bucket bucket = buckets.get(source);
    if (bucket == null) {
      bucket = new Bucket();
      bucket.tokens = burst;
      bucket.refilledAt = now;
      buckets.put(source, bucket);
    } else {
      bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.refilledAt) * perNano);
      bucket.refilledAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    return false;
  }

  public synchronized int trackedSources() {
    return buckets.size();
  }
}
