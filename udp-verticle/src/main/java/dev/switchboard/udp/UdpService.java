package dev.switchboard.udp;

import dev.switchboard.net.SourceRateLimiter;
import dev.switchboard.config.UdpConfig;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.listen.ScaledDeployment;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * The UDP service as a whole: what its instances share (meters, rate limiter, event hand-off) and how they are
 * deployed. The first instance binds the configured port; when it is 0 the others then bind the port it got, all
 * through SO_REUSEPORT, and the kernel spreads senders over them.
 */
public final class UdpService {

  private final Vertx vertx;
  private final UdpConfig config;
  private final UdpMeters meters;
  private final SourceRateLimiter limiter;
  private final EventHandOff events;

  public UdpService(Vertx vertx, UdpConfig config, UdpMeters meters) {
    this.vertx = vertx;
    this.config = config;
    this.meters = meters;
    this.limiter = config.rateLimit().newLimiter();
    this.events = config.publish()
        ? new EventHandOff(vertx, meters, config.publishQueue(), config.publishMaxLag())
        : null;
  }

  /**
   * Deploys {@code instances} verticles (one without SO_REUSEPORT) and returns the listener they share. Fails with a
   * {@link dev.switchboard.listen.ListenFailure} when another process holds the port, even through SO_REUSEPORT.
   */
  public Future<List<BoundListener>> deploy(int instances) {
    if (events != null) {
      events.open();
    }
    int more = config.reusePort() ? instances - 1 : 0;
    // Without SO_REUSEPORT the first bind itself fails on a held port; with it, only the probe notices.
    Future<Void> portFree = config.reusePort() ? UdpPortProbe.check(vertx, config) : Future.succeededFuture();
    return portFree
        .compose(free -> deploy(config, 1))
        .compose(bound -> {
          if (more == 0) {
            return Future.succeededFuture(bound);
          }
          return deploy(config.withPort(bound.get(0).port()), more).map(bound);
        })
        .onFailure(err -> close());
  }

  private Future<List<BoundListener>> deploy(UdpConfig instanceConfig, int instances) {
    return ScaledDeployment.deploy(vertx, () -> new UdpVerticle(instanceConfig, meters, limiter, events), instances)
        .map(ScaledDeployment::listeners);
  }

  /** Stops measuring consumer lag; the verticles themselves are undeployed with Vert.x. */
  public void close() {
    if (events != null) {
      events.close();
    }
  }
}
