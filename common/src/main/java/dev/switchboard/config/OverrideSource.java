package dev.switchboard.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Values that override the configuration file, key by key: command-line flags, then system properties
 * ({@code -Dswitchboard.gateway.port=9090}), then environment variables ({@code SWITCHBOARD_GATEWAY_PORT=9090}).
 * The first of those that holds a key wins. Every entry that no configuration key claims is reported as unknown,
 * so a misspelt override fails start-up instead of being silently ignored. The one exception are the variables
 * Kubernetes sets for its Services ({@link ServiceLinkVariable}): those are ignored with a WARN line each.
 */
public final class OverrideSource {

  private static final Logger LOG = LoggerFactory.getLogger(OverrideSource.class);

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
  /** Kubernetes service-link variables passed over: name to the WARN line that says so. */
  private final Map<String, String> ignoredEnvironment = new TreeMap<>();

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
    return lookup(key, false);
  }

  /** @param port the key holds a port, where Kubernetes may have put a service link such as {@code tcp://10.0.0.1:80} */
  Optional<Value> lookup(String key, boolean port) {
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
      Optional<String> service = port ? ServiceLinkVariable.portLinkServiceOf(envName, env) : Optional.empty();
      if (service.isPresent()) {
        ignoredEnvironment.put(envName, ServiceLinkVariable.warning(envName, env, service.get()));
        env = null;
      }
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

  /**
   * Fails when a system property or environment variable in Switchboard's namespace matched no key, unless it is a
   * Kubernetes service link; logs one WARN line per service link passed over.
   */
  void rejectUnclaimed() {
    for (String name : properties.keySet()) {
      if (!claimedProperties.contains(name)) {
        throw new ConfigException("unknown config key " + name.substring(PROPERTY_PREFIX.length())
            + " (from system property " + name + ")");
      }
    }
    for (Map.Entry<String, String> entry : environment.entrySet()) {
      String name = entry.getKey();
      if (!claimedEnvironment.contains(name)) {
        String service = ServiceLinkVariable.serviceOf(name, entry.getValue()).orElseThrow(
            () -> new ConfigException("environment variable " + name + " matches no config key"));
        ignoredEnvironment.put(name, ServiceLinkVariable.warning(name, entry.getValue(), service));
      }
    }
    ignoredEnvironment.values().forEach(LOG::warn);
  }

  /** The Kubernetes service-link variables passed over, name to the WARN line logged for it. */
  public Map<String, String> ignoredEnvironment() {
    return Collections.unmodifiableMap(ignoredEnvironment);
  }
}
