package dev.switchboard.deploy;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.EffectiveConfig;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.gateway.GatewayService;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What SIGHUP does: reads the configuration again and applies what can change without a restart, the gateway's routes,
 * request and connection limits and connection clocks ({@link GatewayService#reload}), without closing a connection.
 * A new configuration that is invalid, or that changes any other key (ports, roles, cluster, body clocks...), is
 * refused with one WARN line that says why, and the running configuration stays.
 */
final class ConfigReload {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);

  /** A loaded configuration and the value and origin of each of its keys. */
  record Loaded(SwitchboardConfig config, EffectiveConfig effective) {
  }

  private final Supplier<Loaded> loader;
  private final Consumer<SwitchboardConfig> apply;
  private Loaded running;

  /**
   * @param loader  reads the configuration as at start-up (file, environment, properties, flags); throws
   *                {@link ConfigException} when it is invalid
   * @param apply   applies the reloadable part of a new configuration
   */
  ConfigReload(Loaded running, Supplier<Loaded> loader, Consumer<SwitchboardConfig> apply) {
    this.running = running;
    this.loader = loader;
    this.apply = apply;
  }

  /** Whether a key may change on a reload: those the gateway applies ({@link GatewayService#reloadable}). */
  static boolean reloadable(String key) {
    return key.startsWith("gateway.") && GatewayService.reloadable(key.substring("gateway.".length()));
  }

  /** Reloads; returns whether the new configuration is now the running one. */
  synchronized boolean reload() {
    Loaded next;
    try {
      next = loader.get();
    } catch (ConfigException e) {
      LOG.warn("reload refused, the running configuration stays: {}", e.getMessage());
      return false;
    }
    Set<String> changed = next.effective().changedFrom(running.effective());
    Set<String> fixed = changed.stream().filter(key -> !reloadable(key)).collect(Collectors.toCollection(TreeSet::new));
    if (!fixed.isEmpty()) {
      LOG.warn("reload refused, the running configuration stays: {} cannot change without a restart",
          String.join(", ", fixed));
      return false;
    }
    if (changed.isEmpty()) {
      LOG.info("reload: configuration unchanged");
      return true;
    }
    apply.accept(next.config());
    running = next;
    LOG.info("reloaded: {}", String.join(", ", changed));
    return true;
  }
}
