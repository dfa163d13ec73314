package dev.switchboard.deploy;

import dev.switchboard.config.ClusterConfig;
import dev.switchboard.config.Role;
import dev.switchboard.listen.BoundListener;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * What {@code /health/ready} reports: one check per service the process runs, down until its listeners are open, and
 * when clustered one for the cluster (joined, with at least {@code cluster.minMembers} members).
 */
final class Readiness {

  private final HealthChecks checks;
  private final Map<Role, List<BoundListener>> listening = new ConcurrentHashMap<>();

  /** @param members the cluster's size as this node sees it, 0 when it is not a member */
  Readiness(Vertx vertx, Iterable<Role> roles, ClusterConfig cluster, IntSupplier members) {
    this.checks = HealthChecks.create(vertx);
    for (Role role : roles) {
      checks.register(role.wireName(), done -> {
        List<BoundListener> listeners = listening.get(role);
        done.complete(listeners == null
            ? Status.KO(new JsonObject().put("reason", "not listening yet"))
            : Status.OK(new JsonObject().put("listeners", new JsonArray(listeners.stream().map(BoundListener::address).toList()))));
      });
    }
    if (cluster.enabled()) {
      checks.register("cluster", done -> {
        int size = members.getAsInt();
        JsonObject data = new JsonObject().put("joined", size > 0).put("members", size)
            .put("minMembers", cluster.minMembers());
        // A partitioned minority drops below minMembers: it reports not ready, and leaves the load balancer.
        done.complete(size >= cluster.minMembers() ? Status.OK(data) : Status.KO(data));
      });
    }
  }

  HealthChecks checks() {
    return checks;
  }

  void listening(Role role, List<BoundListener> listeners) {
    listening.put(role, listeners);
  }
}
