package dev.switchboard.gateway.protect;

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
  private final AtomicInteger total = new AtomicInteger();
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
    if (total.incrementAndGet() > maxTotal) {
      total.decrementAndGet();
      return false;
    }
    return true;
  }

  public void exit() {
    total.decrementAndGet();
  }

  public boolean tryEnter(String address) {
    boolean[] admitted = {false};
    perAddress.compute(address, (key, count) -> {
      AtomicInteger current = count == null ? new AtomicInteger() : count;
      if (current.get() < maxPerAddress) {
        current.incrementAndGet();
        admitted[0] = true;
      }
      return current.get() == 0 ? null : current;
    });
    return admitted[0];
  }

  public void exit(String address) {
    perAddress.computeIfPresent(address, (key, count) -> count.decrementAndGet() == 0 ? null : count);
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
