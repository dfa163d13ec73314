package dev.switchboard.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parsed command line. Flags that set configuration keys ({@code --roles}, {@code --instances}) are kept as
 * key/value overrides, so they pass through the same validation as every other source and win over all of them.
 *
 * @param configFile  {@code --config FILE}, or null
 * @param keyOverrides config key to value, from flags
 * @param help        {@code --help}
 * @param version     {@code --version}
 * @param checkConfig {@code --check-config}: print the effective configuration and exit, starting nothing
 * @param logLevel    {@code --log-level LEVEL}: the root logger's level, or null for the logging configuration's
 */
record CommandLine(Path configFile, Map<String, String> keyOverrides, boolean help, boolean version,
                   boolean checkConfig, String logLevel) {

  /** The levels {@code --log-level} takes. */
  static final java.util.List<String> LOG_LEVELS = java.util.List.of("trace", "debug", "info", "warn", "error", "off");

  static final String USAGE = """
      Usage: java -jar switchboard.jar [options]
             java -jar switchboard.jar echo|udp|bus ...   (the client: COMMAND --help prints its usage)

      Starts the Switchboard services (TCP echo, UDP, HTTP gateway, event-bus bridge) in one JVM.

      Options:
        --config FILE     YAML (.yaml, .yml) or JSON (.json) configuration file
        --roles LIST      services to run, comma-separated: echo,udp,gateway,bridge (default: all)
        --instances N     verticle instances per service; 0 = one per CPU core (default)
        --cluster         join the other nodes' event bus through Hazelcast (keys cluster.*)
        --check-config    print every configuration key with its value and origin (default, file,
                          environment variable, system property, flag) and exit: 0 when valid,
                          2 with the error otherwise; starts nothing
        --log-level LEVEL the root log level: trace, debug, info, warn, error or off (default: info)
        --help            print this help and exit
        --version         print the version and exit

      Every configuration key can also be set with a system property (-Dswitchboard.gateway.port=9090)
      or an environment variable (SWITCHBOARD_GATEWAY_PORT=9090).
      Precedence: flag > system property > environment variable > file > default.
      Options take their value after a space or an equals sign (--roles=echo,udp).
      SIGHUP re-reads the configuration and applies gateway.routes, gateway.limits.maxInFlight,
      maxInFlightPerAddress, maxRequestsPerConnection, maxConnections and gateway.timeouts.keepAlive, header,
      write, linger without closing connections; a change to any other key, or an invalid file, is refused
      with a WARN and the running configuration stays.
      Example configuration with every key: deploy/config/switchboard.yaml
      """;

  /** A command line that cannot be understood; the message says which argument and why. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  static CommandLine parse(String... args) {
    Path configFile = null;
    Map<String, String> keys = new LinkedHashMap<>();
    boolean help = false;
    boolean version = false;
    boolean checkConfig = false;
    String logLevel = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "--help", "-h" -> help = true;
        case "--cluster" -> keys.put("cluster.enabled", "true");
        case "--version", "-V" -> version = true;
        case "--check-config" -> checkConfig = true;
        case "--config", "--roles", "--instances", "--log-level" -> {
          if (value == null) {
            if (i + 1 == args.length || args[i + 1].startsWith("--")) {
              throw new UsageException(name + " needs a value");
            }
            value = args[++i];
          }
          if (name.equals("--config")) {
            configFile = Path.of(value);
          } else if (name.equals("--log-level")) {
            logLevel = value.toLowerCase(java.util.Locale.ROOT);
            if (!LOG_LEVELS.contains(logLevel)) {
              throw new UsageException("--log-level takes one of " + String.join(", ", LOG_LEVELS) + ", not " + value);
            }
          } else {
            keys.put(name.substring(2), value);
          }
        }
        default -> throw new UsageException("unknown option " + arg);
      }
    }
    return new CommandLine(configFile, keys, help, version, checkConfig, logLevel);
  }
}
