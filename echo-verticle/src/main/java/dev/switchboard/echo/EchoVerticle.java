package dev.switchboard.echo;

import dev.switchboard.bus.EchoBus;
import dev.switchboard.config.EchoConfig;
import dev.switchboard.counters.EchoCounters;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.listen.ListeningVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The TCP echo service: one server per configured listener, and the {@value EchoBus#REQUEST} consumer that lets any
 * bus client use the echo. Started means every listener is accepting and the consumer is registered.
 */
public final class EchoVerticle extends VerticleBase implements ListeningVerticle {

  private final EchoConfig config;
  private final EchoCounters counters;
  private final List<BoundListener> bound = new CopyOnWriteArrayList<>();
  private volatile boolean stopping;

  /** @param counters shared by every instance of the service, so that limits and totals are per listener */
  public EchoVerticle(EchoConfig config, EchoCounters counters) {
    this.config = config;
    this.counters = counters;
  }

  @Override
  public Future<?> start() {
    MessageConsumer<Object> requests = vertx.eventBus().consumer(EchoBus.REQUEST, message -> message.reply(message.body()));
    List<Future<?>> ready = new ArrayList<>();
    ready.add(requests.completion());
    config.listeners().forEach(listener -> ready.add(
        new EchoListener(vertx, listener, counters.listener(listener.name()),
            event -> vertx.eventBus().publish(EchoBus.EVENTS, event.toJson()), () -> stopping)
            .listen()
            .onSuccess(bound::add)));
    return Future.all(ready);
  }

  @Override
  public Future<?> stop() {
    // Vert.x closes the servers and their connections after this; those closes are counted as shutdown.
    stopping = true;
    return Future.succeededFuture();
  }

  @Override
  public List<BoundListener> boundListeners() {
    return List.copyOf(bound);
  }
}
