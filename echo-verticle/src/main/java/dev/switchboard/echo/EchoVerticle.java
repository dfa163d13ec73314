package dev.switchboard.echo;

import dev.switchboard.bus.EchoBus;
import dev.switchboard.bus.NodeId;
import dev.switchboard.config.EchoConfig;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.listen.ListeningVerticle;
import dev.switchboard.net.MemoryBudget;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;

/**
 * The TCP echo service: one server per configured listener, and the {@value EchoBus#REQUEST} consumer that lets any
 * bus client use the echo. Started means every listener is accepting and the consumer is registered.
 */
public final class EchoVerticle extends VerticleBase implements ListeningVerticle {

  private final EchoConfig config;
  private final EchoMeters meters;
  private final MemoryBudget budget;
  private volatile List<BoundListener> bound = List.of();
  private volatile boolean stopping;

  /**
   * @param meters shared by every instance of the service, so that limits and totals are per listener
   * @param budget   the bytes all connections of the service may hold ({@code echo.maxBufferedBytes}), shared by
   *                 every instance
   */
  public EchoVerticle(EchoConfig config, EchoMeters meters, MemoryBudget budget) {
    this.config = config;
    this.meters = meters;
    this.budget = budget;
  }

  @Override
  public Future<?> start() {
    DeliveryOptions fromThisNode = new DeliveryOptions().addHeader(NodeId.HEADER, NodeId.ID);
    MessageConsumer<Object> requests = vertx.eventBus().consumer(EchoBus.REQUEST,
        message -> message.reply(message.body(), fromThisNode));
    List<Future<BoundListener>> listening = config.listeners().stream()
        .map(listener -> new EchoListener(vertx, listener, meters.listener(listener.name()),
            event -> vertx.eventBus().publish(EchoBus.EVENTS, event.toJson()), () -> stopping, budget).listen())
        .toList();
    return Future.all(listening)
        .onSuccess(all -> bound = all.list())
        .compose(all -> requests.completion());
  }

  @Override
  public Future<?> stop() {
    // Vert.x closes the servers and their connections after this; those closes are counted as shutdown.
    stopping = true;
    return Future.succeededFuture();
  }

  @Override
  public List<BoundListener> boundListeners() {
    return bound;
  }
}
