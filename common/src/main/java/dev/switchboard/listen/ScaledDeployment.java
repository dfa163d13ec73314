package dev.switchboard.listen;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Instances of a listening verticle deployed as one: Vert.x spreads the connections of a shared server address over
 * them, and every instance binds the same listeners, so the first one's stand for all.
 *
 * @param id        the deployment, for undeploying it
 * @param listeners what the first instance bound
 */
public record ScaledDeployment(String id, List<BoundListener> listeners) {

  /** Deploys {@code instances} verticles from {@code factory}. */
  public static <V extends Deployable & ListeningVerticle> Future<ScaledDeployment> deploy(
      Vertx vertx, Supplier<V> factory, int instances) {
    AtomicReference<V> first = new AtomicReference<>();
    Supplier<Deployable> remembering = () -> {
      V verticle = factory.get();
      first.compareAndSet(null, verticle);
      return verticle;
    };
    return vertx.deployVerticle(remembering, new DeploymentOptions().setInstances(instances))
        .map(id -> new ScaledDeployment(id, first.get().boundListeners()));
  }
}
