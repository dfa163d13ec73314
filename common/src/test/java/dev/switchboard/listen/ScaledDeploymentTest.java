package dev.switchboard.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ScaledDeploymentTest {

  /** Binds a listener named after the order in which it was made. */
  private static final class Listening extends VerticleBase implements ListeningVerticle {
    private final int made;
    private volatile List<BoundListener> bound = List.of();

    Listening(int made) {
      this.made = made;
    }

    @Override
    public Future<?> start() {
      bound = List.of(new BoundListener("test", "instance-" + made, "tcp", "127.0.0.1:" + (7000 + made), 7000 + made));
      return Future.succeededFuture();
    }

    @Override
    public List<BoundListener> boundListeners() {
      return bound;
    }
  }

  @Test
  @DisplayName("deploys N instances as one deployment and reports the listeners of the first one made")
  void firstInstancesListeners(Vertx vertx, VertxTestContext test) {
    AtomicInteger made = new AtomicInteger();
    ScaledDeployment.deploy(vertx, () -> new Listening(made.getAndIncrement()), 3)
        .onComplete(test.succeeding(deployed -> test.verify(() -> {
          assertThat(made).hasValue(3);
          assertThat(deployed.listeners()).extracting(BoundListener::name).containsExactly("instance-0");
          assertThat(vertx.deploymentIDs()).containsExactly(deployed.id());
          test.completeNow();
        })));
  }
}
