package dev.switchboard.config;

import static dev.switchboard.config.KeyDoc.doc;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The whole configuration of one Switchboard process, validated.
 *
 * @param roles           services this process runs ({@code roles}, flag {@code --roles})
 * @param instances       verticle instances per service, each on its own event loop ({@code instances}, flag {@code --instances});
 *                        0 in the file means one per CPU core
 * @param shutdownTimeout how long a stop may take before the process exits anyway ({@code shutdownTimeout})
 */
public record SwitchboardConfig(
    Set<Role> roles,
    int instances,
    Duration shutdownTimeout,
    EchoConfig echo,
    UdpConfig udp,
    GatewayConfig gateway,
    BridgeConfig bridge,
    ClusterConfig cluster) {

  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(4);

  public SwitchboardConfig {
    // An EnumSet keeps the roles in declaration order, which is also the order they start in.
    roles = Collections.unmodifiableSet(roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles));
  }

  /** Every service with its defaults, on the default ports. */
  public static SwitchboardConfig defaults() {
    return new SwitchboardConfig(EnumSet.allOf(Role.class), cores(), DEFAULT_SHUTDOWN_TIMEOUT,
        EchoConfig.defaults(), UdpConfig.defaults(), GatewayConfig.defaults(), BridgeConfig.defaults(),
        ClusterConfig.defaults());
  }

  public boolean runs(Role role) {
    return roles.contains(role);
  }

  public SwitchboardConfig withEcho(EchoConfig newEcho) {
    return new SwitchboardConfig(roles, instances, shutdownTimeout, newEcho, udp, gateway, bridge, cluster);
  }

  public SwitchboardConfig withRoles(Set<Role> newRoles) {
    return new SwitchboardConfig(newRoles, instances, shutdownTimeout, echo, udp, gateway, bridge, cluster);
  }

  static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  static SwitchboardConfig read(ConfigNode root) {
    List<String> roleNames = root.strings("roles", Role.byWireName().keySet().stream().toList(),
        doc("services this process runs: `echo`, `udp`, `gateway`, `bridge`"));
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : roleNames) {
      Role role = Role.byWireName().get(name);
      if (role == null) {
        throw root.conflict("roles", "unknown role '" + name + "' (expected some of " + String.join(", ", Role.byWireName().keySet()) + ")");
      }
      roles.add(role);
    }
    if (roles.isEmpty()) {
      throw root.conflict("roles", "names no role (expected some of " + String.join(", ", Role.byWireName().keySet()) + ")");
    }
    int instances = root.integer("instances", 0, 0, 1024, doc("verticle instances per service, each on its own event loop; `0` = one per CPU core."
        + " UDP instances share their port through SO_REUSEPORT (`udp.reusePort`); without it UDP runs one"));
    SwitchboardConfig config = new SwitchboardConfig(
        roles,
        instances == 0 ? cores() : instances,
        root.duration("shutdownTimeout", DEFAULT_SHUTDOWN_TIMEOUT,
            doc("a stop (SIGTERM, Ctrl-C) takes at most this long, then the process exits anyway")),
        EchoConfig.read(root.child("echo", doc("the TCP echo service"))),
        UdpConfig.read(root.child("udp", doc("the UDP datagram service"))),
        GatewayConfig.read(root.child("gateway", doc("the HTTP gateway"))),
        BridgeConfig.read(root.child("bridge", doc("the TCP event-bus bridge ([bridge protocol](docs/bridge-protocol.md))"))),
        ClusterConfig.read(root.child("cluster", doc("clustered mode: see [docs/cluster.md](docs/cluster.md); the defaults"
            + " stay on loopback").defaultShownAs("off, loopback"))));
    root.finish();
    new TcpPortClash(config).check();
    if (config.runs(Role.GATEWAY)) {
      requireWithinStop(root, config, "gateway.timeouts.drain", config.gateway().timeouts().drain());
    }
    if (config.cluster().enabled()) {
      requireWithinStop(root, config, "cluster.drain", config.cluster().drain());
    }
    return config;
  }

  private static void requireWithinStop(ConfigNode root, SwitchboardConfig config, String key, Duration drain) {
    if (!config.shutdownTimeout().isZero() && drain.compareTo(config.shutdownTimeout()) >= 0) {
      throw root.conflict(key, "must be shorter than shutdownTimeout (" + config.shutdownTimeout().toMillis()
          + " ms), which bounds the whole stop");
    }
  }
}
