package dev.switchboard.deploy;

import dev.switchboard.config.Role;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.counters.SwitchboardCounters;
import dev.switchboard.echo.EchoVerticle;
import dev.switchboard.gateway.GatewayService;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.listen.ListeningVerticle;
import dev.switchboard.udp.UdpService;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Deployable;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Deploys the services of the configured roles into one Vert.x instance, one role after the other, and reports the
 * listeners they opened. The returned future fails with the first service that could not start.
 */
final class Assembly {

  private Assembly() {
  }

  static Future<List<BoundListener>> start(Vertx vertx, SwitchboardConfig config, SwitchboardCounters counters) {
    List<BoundListener> listeners = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Role role : Role.values()) {
      if (config.runs(role)) {
        chain = chain.compose(v -> deploy(vertx, role, config, counters).map(listeners::addAll).mapEmpty());
      }
    }
    return chain.map(v -> List.copyOf(listeners));
  }

  private static Future<List<BoundListener>> deploy(Vertx vertx, Role role, SwitchboardConfig config,
                                                     SwitchboardCounters counters) {
    return switch (role) {
      case ECHO -> deployScaled(vertx, () -> new EchoVerticle(config.echo(), counters.echo()), config.instances());
      case UDP -> new UdpService(vertx, config.udp(), counters.udp()).deploy(config.instances());
      case GATEWAY -> new GatewayService(vertx, config.gateway(), counters.gateway()).deploy(config.instances());
    };
  }

  /** Deploys {@code instances} copies; Vert.x spreads the connections of a shared server address over them. */
  private static <V extends VerticleBase & ListeningVerticle> Future<List<BoundListener>> deployScaled(
      Vertx vertx, Supplier<V> factory, int instances) {
    AtomicReference<V> first = new AtomicReference<>();
    Supplier<Deployable> counting = () -> {
      V verticle = factory.get();
      first.compareAndSet(null, verticle);
      return verticle;
    };
    return vertx.deployVerticle(counting, new DeploymentOptions().setInstances(instances))
        .map(id -> first.get().boundListeners());
  }
}
