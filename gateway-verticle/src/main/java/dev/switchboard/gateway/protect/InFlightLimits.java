package dev.switchboard.gateway.protect;

import dev.switchboard.metrics.LimitedCount;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bulkheads: requests in progress in the whole gateway and per application address, shared by every gateway
 * instance. A request over a limit is refused at once, never queued. Entries for addresses with nothing in flight are
 * removed, so client-chosen names ({@code /apps/<anything>}) cannot grow the map.
 */
public final class InFlightLimits {

  private volatile int maxTotal;
  private volatile int maxPerAddress;
  private final LimitedCount total = new LimitedCount();
  private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

  public InFlightLimits(int maxTotal, int maxPerAddress) {
    this.maxTotal = maxTotal;
    this.maxPerAddress = maxPerAddress;
  }

  /** New limits for the requests that come next (a reload); those in progress are not touched. */
  public void setLimits(int maxTotal, int maxPerAddress) {
    this.maxTotal = maxTotal;
    this.maxPerAddress = maxPerAddress;
  }

  public boolean tryEnter() {
    return total.tryAdd(maxTotal);
  }

  public void exit() {
    total.remove();
  }

  /**
   * Without a lock, so that the gateway's event loops never wait for each other here: a count that fell to 0 is
   * marked dead (-1) before it leaves the map, and a request that finds a dead count waits for it to go and makes a
   * new one.
   */
  public boolean tryEnter(String address) {
    while (true) {
      AtomicInteger count = perAddress.get(address);
      if (count == null) {
        AtomicInteger fresh = new AtomicInteger();
        count = perAddress.putIfAbsent(address, fresh);
        if (count == null) {
          count = fresh;
        }
      }
      int now = count.get();
      if (now >= 0) {
        if (now >= maxPerAddress) {
          if (now == 0 && count.compareAndSet(0, -1)) {
            perAddress.remove(address, count);  // a limit of 0 must not leave a count behind for every name tried
          }
          return false;
        }
        if (count.compareAndSet(now, now + 1)) {
          return true;
        }
      }
      Thread.onSpinWait();
    }
  }

  public void exit(String address) {
    AtomicInteger count = perAddress.get(address);
    if (count != null && count.decrementAndGet() == 0 && count.compareAndSet(0, -1)) {
      perAddress.remove(address, count);
    }
  }

  /** The limit in force for the whole gateway (it changes with a reload). */
  public int maxTotal() {
    return maxTotal;
  }

  /** The limit in force per address (it changes with a reload). */
  public int maxPerAddress() {
    return maxPerAddress;
  }

  public int total() {
    return total.get();
  }

  public int addresses() {
    return perAddress.size();
  }
}
