package dev.switchboard.access;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;

/**
 * A Vert.x context of its own on the next event loop, for work that must not run on its callers' event loops, with
 * timers that fire on it whoever sets them. Vert.x 5's public API gives a context only to a verticle, or to the
 * thread that asks.
 */
public final class EventLoopContext {

  private final ContextInternal context;

  private EventLoopContext(ContextInternal context) {
    this.context = context;
  }

  public static EventLoopContext create(Vertx vertx) {
    if (!(vertx instanceof VertxInternal internal)) {
      throw new InternalsChanged("EventLoopContext.create(Vertx)",
          vertx.getClass().getName() + " is not a VertxInternal");
    }
    return new EventLoopContext(internal.createEventLoopContext());
  }

  /** Runs {@code handler} on this context after {@code delayMs} milliseconds; returns the timer's id. */
  public long setTimer(long delayMs, Handler<Long> handler) {
    return context.setTimer(delayMs, handler);
  }

  /** Runs {@code action} on this context, soon. */
  public void runOnContext(Handler<Void> action) {
    context.runOnContext(action);
  }
}
