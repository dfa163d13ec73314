package dev.switchboard.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Values that override the configuration file, key by key: command-line flags, then system properties
 * ({@code -Dswitchboard.gateway.port=9090}), then environment variables ({@code SWITCHBOARD_GATEWAY_PORT=9090}).
 * The first of those that holds a key wins. Every entry that no configuration key claims is reported as unknown,
 * so a misspelt override fails start-up instead of being silently ignored.
 */
public final class OverrideSource {

  public static final String PROPERTY_PREFIX = "switchboard.";
  public static final String ENV_PREFIX = "SWITCHBOARD_";

  /** One overriding value and a human-readable origin such as {@code environment variable SWITCHBOARD_GATEWAY_PORT}. */
  public record Value(String text, String origin) {
  }

  private final Map<String, String> flags;
  private final Map<String, String> properties;
  private final Map<String, String> environment;
  private final Set<String> claimedProperties = new TreeSet<>();
  private final Set<String> claimedEnvironment = new TreeSet<>();

  /**
   * @param flags       config key to value, from command-line flags
   * @param properties  all system properties; only those under {@value #PROPERTY_PREFIX} are read
   * @param environment the whole environment; only variables starting with {@value #ENV_PREFIX} are read
   */
  public OverrideSource(Map<String, String> flags, Map<String, String> properties, Map<String, String> environment) {
    this.flags = Map.copyOf(flags);
    this.properties = filter(properties, PROPERTY_PREFIX);
    this.environment = filter(environment, ENV_PREFIX);
  }

  public static OverrideSource none() {
    return new OverrideSource(Map.of(), Map.of(), Map.of());
  }

  private static Map<String, String> filter(Map<String, String> all, String prefix) {
    Map<String, String> kept = new LinkedHashMap<>();
    all.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        kept.put(k, v);
      }
    });
    return kept;
  }

  /** The environment variable that overrides a key: {@code echo.listeners.0.maxFrameBytes} → {@code SWITCHBOARD_ECHO_LISTENERS_0_MAX_FRAME_BYTES}. */
  public static String environmentName(String key) {
    String snake = key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').replace('-', '_');
    return ENV_PREFIX + snake.toUpperCase(Locale.ROOT);
  }

  Optional<Value> lookup(String key) {
    // Lower-precedence entries for the same key are claimed too: they are shadowed, not unknown.
    String propertyName = PROPERTY_PREFIX + key;
    String envName = environmentName(key);
    String property = properties.get(propertyName);
    String env = environment.get(envName);
    if (property != null) {
      claimedProperties.add(propertyName);
    }
    if (env != null) {
      claimedEnvironment.add(envName);
    }
    String flag = flags.get(key);
    if (flag != null) {
      return Optional.of(new Value(flag, "command-line flag"));
    }
    if (property != null) {
      return Optional.of(new Value(property, "system property " + propertyName));
    }
    if (env != null) {
      return Optional.of(new Value(env, "environment variable " + envName));
    }
    return Optional.empty();
  }

  /** Fails when a system property or environment variable in Switchboard's namespace matched no key. */
  void rejectUnclaimed() {
    for (String name : properties.keySet()) {
      if (!claimedProperties.contains(name)) {
        throw new ConfigException("unknown config key " + name.substring(PROPERTY_PREFIX.length())
            + " (from system property " + name + ")");
      }
    }
    for (String name : environment.keySet()) {
      if (!claimedEnvironment.contains(name)) {
        throw new ConfigException("environment variable " + name + " matches no config key");
      }
    }
  }
}
