package dev.switchboard.access;

import io.vertx.core.Completable;
import io.vertx.core.eventbus.impl.clustered.DefaultNodeSelector;
import io.vertx.core.eventbus.impl.clustered.NodeSelector;
import io.vertx.core.spi.cluster.ClusteredNode;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;

/** Vert.x's node selector, with the choice for each sent message made by a {@link ClusterBootstrap.SendChoice}. */
final class ChoosingNodeSelector implements NodeSelector {

  private final DefaultNodeSelector roundRobin;
  private final ClusterBootstrap.SendChoice choice;

  ChoosingNodeSelector(DefaultNodeSelector roundRobin, ClusterBootstrap.SendChoice choice) {
    this.roundRobin = roundRobin;
    this.choice = choice;
  }

  @Override
  public void init(ClusteredNode clusterManager) {
    roundRobin.init(clusterManager);
  }

  @Override
  public void eventBusStarted() {
    roundRobin.eventBusStarted();
  }

  @Override
  public void selectForSend(String address, Completable<String> promise) {
    choice.selectForSend(address, promise);
  }

  @Override
  public void selectForPublish(String address, Completable<Iterable<String>> promise) {
    roundRobin.selectForPublish(address, promise);
  }

  @Override
  public void registrationsUpdated(RegistrationUpdateEvent event) {
    roundRobin.registrationsUpdated(event);
  }

  @Override
  public void registrationsLost() {
    roundRobin.registrationsLost();
  }

  @Override
  public boolean wantsUpdatesFor(String address) {
    return roundRobin.wantsUpdatesFor(address);
  }
}
