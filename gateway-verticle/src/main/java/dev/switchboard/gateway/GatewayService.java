package dev.switchboard.gateway;

import dev.switchboard.bus.Requester;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.GatewayLimits;
import dev.switchboard.gateway.meters.GatewayMeters;
import dev.switchboard.gateway.protect.InFlightLimits;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.listen.ScaledDeployment;
import dev.switchboard.net.MemoryBudget;
import dev.switchboard.net.SourceRateLimiter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gateway as a whole: what its instances share (meters, in-flight limits, the request body budget, the client
 * rate limiter, the draining flag) and how they are deployed. Vert.x spreads the connections of the shared port over
 * the instances.
 */
public final class GatewayService {

  /** The single keys {@link #reload} applies, besides every {@code routes.*}. */
  public static final Set<String> RELOADABLE = Set.of("limits.maxInFlight",
      "limits.maxInFlightPerAddress", "limits.maxConnections", "limits.maxRequestsPerConnection", "timeouts.keepAlive",
      "timeouts.header", "timeouts.write", "timeouts.linger");

  private final Vertx vertx;
  private final GatewayConfig config;
  private final GatewayMeters meters;
  private final InFlightLimits inFlight;
  private final MemoryBudget bodyBudget;
  private final SourceRateLimiter rateLimiter;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final HealthChecks readiness;
  private final Requester requester;
  /** Swapped whole by {@link #reload}: every instance reads it per connection and request. */
  private final GatewaySettings settings;
  private volatile String deploymentId;

  /**
   * @param readiness the checks {@code /health/ready} reports: every service of the process, and the cluster
   * @param requester how requests reach the services and applications ({@link Requester#local} without a cluster)
   */
  public GatewayService(Vertx vertx, GatewayConfig config, GatewayMeters meters, HealthChecks readiness,
                        Requester requester) {
    this.vertx = vertx;
    this.requester = requester;
    this.readiness = readiness;
    this.config = config;
    this.meters = meters;
    GatewayLimits limits = config.limits();
    this.inFlight = new InFlightLimits(limits.maxInFlight(), limits.maxInFlightPerAddress());
    this.bodyBudget = new MemoryBudget(limits.maxBufferedBodyBytes());
    this.rateLimiter = limits.rateLimit().newLimiter();
    this.settings = new GatewaySettings(config);
  }

  /**
   * Applies what a reload may change while connections stay open: the routes ({@code gateway.routes}), for the requests
   * that come next; the in-flight limits ({@code gateway.limits.maxInFlight}, {@code maxInFlightPerAddress}); the
   * connection limits ({@code limits.maxConnections}, {@code limits.maxRequestsPerConnection}); and the connection
   * clocks ({@code timeouts.keepAlive}, {@code header}, {@code write}, {@code linger}) for the connections that come
   * next. Every other key of {@code newConfig} must equal the running one's: the caller refuses a reload that changes
   * any other ({@link #RELOADABLE} says which may change).
   */
  public void reload(GatewayConfig newConfig) {
    settings.replace(newConfig);
    inFlight.setLimits(newConfig.limits().maxInFlight(), newConfig.limits().maxInFlightPerAddress());
  }

  /** The keys under {@code gateway.} that {@link #reload} applies; a change to any other needs a restart. */
  public static boolean reloadable(String key) {
    return key.startsWith("routes.") || RELOADABLE.contains(key);
  }

  public Future<List<BoundListener>> deploy(int instances) {
    return ScaledDeployment.deploy(vertx, () -> new GatewayVerticle(config, meters, inFlight, bodyBudget, rateLimiter,
        draining, readiness, requester, settings), instances).map(deployed -> {
          deploymentId = deployed.id();
          return deployed.listeners();
        });
  }

  /** Stops the gateway with a drain (see {@link GatewayVerticle#stop()}); the rest of Vert.x keeps running. */
  public Future<Void> undeploy() {
    return deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
  }

  /** The in-flight counts, for tests and metrics. */
  public InFlightLimits inFlight() {
    return inFlight;
  }

  /** The request body bytes held, for tests and metrics. */
  public MemoryBudget bodyBudget() {
    return bodyBudget;
  }
}
