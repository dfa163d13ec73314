package dev.switchboard.deploy;

import dev.switchboard.bridge.BridgeMeters;
import dev.switchboard.bridge.BridgeVerticle;
import dev.switchboard.bus.Requester;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.Role;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.deploy.cluster.ClusterNode;
import dev.switchboard.echo.EchoMeters;
import dev.switchboard.echo.EchoVerticle;
import dev.switchboard.gateway.GatewayService;
import dev.switchboard.gateway.http.RouteLabels;
import dev.switchboard.gateway.meters.GatewayMeters;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.listen.ScaledDeployment;
import dev.switchboard.net.MemoryBudget;
import dev.switchboard.udp.UdpMeters;
import dev.switchboard.udp.UdpService;
import dev.switchboard.wsgi.WsgiCodecs;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The services of the configured roles in one Vert.x instance: started one role after the other (the future fails
 * with the first that could not start), and stopped gateway first, so that requests it is draining can still reach
 * the services behind it.
 */
final class Assembly {

  private final Vertx vertx;
  /** Null when the process is not clustered. */
  private final ClusterNode cluster;
  private final Requester requester;
  private final SwitchboardConfig config;
  /** Where each service registers its meters when it is deployed: only the roles this process runs show. */
  private final MeterRegistry registry;
  private final Readiness readiness;
  /** Each service's budget of bytes held for its clients, shared by all its instances. */
  private final MemoryBudget echoBudget;
  private final MemoryBudget bridgeBudget;
  private UdpService udp;
  private GatewayService gateway;

  Assembly(Vertx vertx, SwitchboardConfig config, MeterRegistry registry) {
    this(vertx, null, config, registry);
  }

  /** The services of a clustered node: their bus requests fail at once when the node serving them leaves. */
  Assembly(ClusterNode cluster, SwitchboardConfig config, MeterRegistry registry) {
    this(cluster.vertx(), cluster, config, registry);
  }

  private Assembly(Vertx vertx, ClusterNode cluster, SwitchboardConfig config, MeterRegistry registry) {
    this.vertx = vertx;
    // On every node whatever its roles: a WSGI request or answer may cross to it from another node (the bridge).
    WsgiCodecs.registerOn(vertx.eventBus());
    this.cluster = cluster;
    this.requester = cluster != null ? cluster.requester() : Requester.local(vertx);
    this.config = config;
    this.registry = registry;
    this.readiness = new Readiness(vertx, config.roles(), config.cluster(), cluster != null ? cluster::members : () -> 0);
    this.echoBudget = new MemoryBudget(config.echo().maxBufferedBytes());
    this.bridgeBudget = new MemoryBudget(config.bridge().maxBufferedBytes());
  }

  /** Applies a reloaded gateway configuration (see {@link GatewayService#reload}); nothing when no gateway runs here. */
  void reloadGateway(GatewayConfig gatewayConfig) {
    if (gateway != null) {
      gateway.reload(gatewayConfig);
    }
  }

  Future<List<BoundListener>> start() {
    List<BoundListener> listeners = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Role role : Role.values()) {
      if (config.runs(role)) {
        chain = chain.compose(v -> deploy(role).map(bound -> {
          readiness.listening(role, bound);
          return listeners.addAll(bound);
        }).mapEmpty());
      }
    }
    return chain.map(v -> {
      if (cluster != null) {
        // The cluster's size as this node sees it: a partition shows as a drop.
        Gauge.builder("switchboard.cluster.members", cluster, ClusterNode::members).register(registry);
      }
      return List.copyOf(listeners);
    });
  }

  /**
   * Drains and stops the gateway and, when clustered, meanwhile sends the other members' requests elsewhere and answers
   * those already routed here; then closes Vert.x with every other service, which leaves the cluster.
   */
  Future<Void> stop() {
    Future<Void> gatewayDrained = gateway == null ? Future.succeededFuture() : gateway.undeploy();
    Future<Void> clusterDrained = cluster == null ? Future.succeededFuture() : cluster.leave(config.cluster().drain());
    Future<Void> drained = Future.join(gatewayDrained, clusterDrained).mapEmpty();
    // Not drained.eventually(vertx::close): that future belongs to the gateway's event loop, which is gone by the time
    // Vert.x has closed, so its completion was rejected and every stop ran into shutdownTimeout. Vert.x's close
    // future and this promise have no context: they complete on the closing thread.
    Promise<Void> stopped = Promise.promise();
    drained.onComplete(done -> {
      // Whatever failed before, Vert.x is closed; the stop then reports the first failure (Main logs it).
      AsyncResult<Void> failed = done.failed() ? done : null;
      try {
        if (udp != null) {
          udp.close();
        }
      } catch (RuntimeException e) {
        failed = failed != null ? failed : Future.failedFuture(e);
      }
      AsyncResult<Void> reported = failed;
      vertx.close().onComplete(closed -> stopped.handle(reported != null ? reported : closed));
    });
    return stopped.future();
  }

  private Future<List<BoundListener>> deploy(Role role) {
    return switch (role) {
      case ECHO -> {
        EchoMeters echoMeters = new EchoMeters(registry, echoBudget);
        yield ScaledDeployment.deploy(vertx, () -> new EchoVerticle(config.echo(), echoMeters, echoBudget), config.instances())
            .map(ScaledDeployment::listeners);
      }
      case UDP -> {
        udp = new UdpService(vertx, config.udp(), new UdpMeters(registry));
        yield udp.deploy(config.instances());
      }
      case GATEWAY -> {
        gateway = new GatewayService(vertx, config.gateway(), new GatewayMeters(registry, RouteLabels.all(config.gateway())),
            readiness.checks(), requester);
        yield gateway.deploy(config.instances());
      }
      case BRIDGE -> {
        BridgeMeters bridgeMeters = new BridgeMeters(registry, bridgeBudget);
        yield ScaledDeployment.deploy(vertx, () -> new BridgeVerticle(config.bridge(), bridgeMeters, bridgeBudget), config.instances())
            .map(ScaledDeployment::listeners);
      }
    };
  }
}
