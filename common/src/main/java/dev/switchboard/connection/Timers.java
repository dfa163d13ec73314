package dev.switchboard.connection;

import io.vertx.core.Vertx;

/** Arms and cancels one-shot timers: Vert.x's in the services, a hand-driven stand-in in tests. */
public interface Timers {

  /** Runs {@code task} once after {@code delayMillis}; returns the id that {@link #cancel} takes. */
  long set(long delayMillis, Runnable task);

  void cancel(long timerId);

  /** Vert.x's timers, run on the context that sets them. */
  static Timers of(Vertx vertx) {
    return new Timers() {
      @Override
      public long set(long delayMillis, Runnable task) {
        return vertx.setTimer(delayMillis, id -> task.run());
      }

      @Override
      public void cancel(long timerId) {
        vertx.cancelTimer(timerId);
      }
    };
  }
}
