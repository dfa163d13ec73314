package dev.switchboard.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waits on state that a service changes on its own threads. Shared by every module's tests. */
public final class Await {

  private Await() {
  }

  /** Polls until the condition holds; fails naming what was awaited once the timeout has passed. */
  public static void condition(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }
}
