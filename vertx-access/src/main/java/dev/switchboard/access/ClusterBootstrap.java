package dev.switchboard.access;

import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.VertxBootstrapImpl;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.transport.Transport;

/**
 * Starts a clustered Vert.x whose event bus sends each message to the node a {@link SendChoice} picks. Vert.x's node
 * selector is internal, and its public builder takes none; its bootstrap does, so this does what the builder does,
 * plus the selector.
 */
public final class ClusterBootstrap {

  private ClusterBootstrap() {
  }

  /** Picks the node a message sent to an address goes to. */
  @FunctionalInterface
  public interface SendChoice {

    /**
     * Completes {@code promise} with the id of the node to send to, or null for none (Vert.x then fails the send with
     * {@code NO_HANDLERS}). Called on the sender's thread, inside {@code EventBus.send} or {@code request}.
     */
    void selectForSend(String address, Completable<String> promise);
  }

  /**
   * Starts a clustered Vert.x on {@code manager}; {@code choice} picks where each sent message goes, and
   * {@code roundRobin} does everything else a node selector does (publishing, following registrations).
   */
  public static Future<Vertx> start(VertxOptions options, ClusterManager manager, ClusterRoundRobin roundRobin,
                                    SendChoice choice) {
    if (!(VertxBootstrap.create() instanceof VertxBootstrapImpl bootstrap)) {
      throw new InternalsChanged("ClusterBootstrap.start", "VertxBootstrap.create() is not a VertxBootstrapImpl");
    }
    bootstrap.options(options);
    Transport transport = options.getPreferNativeTransport() ? Transport.nativeTransport() : null;
    bootstrap.transport((transport != null ? transport : Transport.NIO).implementation());
    bootstrap.clusterManager(manager).clusterNodeSelector(new ChoosingNodeSelector(roundRobin.selector, choice));
    return bootstrap.init().clusteredVertx();
  }
}
