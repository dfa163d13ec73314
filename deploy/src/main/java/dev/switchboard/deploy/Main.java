package dev.switchboard.deploy;

import dev.switchboard.config.ClusterConfig;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.EffectiveConfig;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.deploy.client.ClientCommand;
import dev.switchboard.deploy.cluster.ClusterNode;
import dev.switchboard.listen.BoundListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar switchboard.jar}: reads the command line and configuration, starts the services, and stops
 * them on SIGTERM or Ctrl-C; SIGHUP reloads what can be reloaded ({@link ConfigReload}). Exit status: 2 for a bad
 * command line or configuration, 1 when a service cannot start.
 */
public final class Main {

  static final int EXIT_USAGE = 2;
  static final int EXIT_START_FAILED = 1;

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  /**
   * Netty 4.2 takes a heap cap of 512 MB or less (the launcher's default) for a machine short of memory: one buffer
   * pool shared by every event loop, and each buffer over 16 KB in a chunk of its own, zeroed when made. The cap is
   * the heap's, not the machine's; what pooling as on a larger heap costs and saves is in docs/benchmarks.md. A user's
   * {@code -Dio.netty.allocator.lowMemory} wins. Set before any Netty buffer class is loaded.
   */
  private static void poolBuffersAsOnALargeHeap() {
    if (System.getProperty("io.netty.allocator.lowMemory") == null) {
      System.setProperty("io.netty.allocator.lowMemory", "false");
    }
  }

  public static void main(String[] args) {
    poolBuffersAsOnALargeHeap();
    if (args.length > 0 && ClientCommand.COMMANDS.contains(args[0])) {
      System.exit(ClientCommand.run(args, System.in, System.out, System.err));
      return;
    }
    CommandLine commandLine;
    ConfigReload.Loaded loaded;
    try {
      commandLine = CommandLine.parse(args);
      if (commandLine.help()) {
        System.out.print(CommandLine.USAGE);
        return;
      }
      if (commandLine.version()) {
        System.out.println("switchboard " + version());
        return;
      }
      if (commandLine.logLevel() != null) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
            .setLevel(ch.qos.logback.classic.Level.toLevel(commandLine.logLevel()));
      }
      loaded = load(commandLine);
      if (commandLine.checkConfig()) {
        System.out.print(loaded.effective().describe());
        System.out.println("switchboard: configuration OK");
        return;
      }
    } catch (CommandLine.UsageException | ConfigException e) {
      System.err.println("switchboard: " + e.getMessage());
      if (e instanceof CommandLine.UsageException) {
        System.err.println("Try 'java -jar switchboard.jar --help'.");
      }
      System.exit(EXIT_USAGE);
      return;
    }
    run(loaded, commandLine);
  }

  /** The configuration as the command line, system properties and environment say, with every key's origin. */
  private static ConfigReload.Loaded load(CommandLine commandLine) {
    EffectiveConfig effective = new EffectiveConfig();
    SwitchboardConfig config = ConfigLoader.load(commandLine.configFile(),
        new OverrideSource(commandLine.keyOverrides(), systemProperties(), System.getenv()), effective);
    return new ConfigReload.Loaded(config, effective);
  }

  private static void run(ConfigReload.Loaded loaded, CommandLine commandLine) {
    SwitchboardConfig config = loaded.config();
    LOG.info("switchboard {} starting: roles {}, {} instance(s) per service", version(), config.roles(), config.instances());
    Assembly assembly;
    try {
      assembly = assembly(config);
    } catch (Exception e) {
      logStartupFailure(e);
      System.exit(EXIT_START_FAILED);
      return;
    }
    try {
      List<BoundListener> listeners = assembly.start().await(30, TimeUnit.SECONDS);
      listeners.forEach(l -> LOG.info("{}", l.describe()));
    } catch (Exception e) {
      logStartupFailure(e);
      stop(assembly, config);
      System.exit(EXIT_START_FAILED);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("stopping");
      stop(assembly, config);
      LOG.info("stopped");
    }, "switchboard-shutdown"));
    ConfigReload reload = new ConfigReload(loaded, () -> load(commandLine), next -> assembly.reloadGateway(next.gateway()));
    try {
      Signal.handle(new Signal("HUP"), signal -> reload.reload());
    } catch (IllegalArgumentException e) {
      // The JVM keeps SIGHUP to itself (-Xrs, or a platform without it): serve on, without reloads.
      LOG.warn("SIGHUP reload unavailable: {}", e.getMessage());
    }
    LOG.info("started");
  }

  /** One ERROR line naming the failure; the stack trace of an unexpected one at DEBUG, for a bug report. */
  private static void logStartupFailure(Exception e) {
    LOG.error("start-up failed: {}", StartupFailure.describe(e));
    if (StartupFailure.unexpected(e)) {
      LOG.debug("start-up failure's stack trace", e);
    }
  }

  /** The Vert.x options of the jar: native transport when available, and metrics. */
  static VertxOptions vertxOptions() {
    // Vert.x's per-request HTTP server meters and per-message event-bus meters look their meters up by tags on every
    // request (their cost is in docs/benchmarks.md). The services' own meters and the gateway's request-duration
    // histogram cover the same ground (docs/metrics.md).
    return new VertxOptions().setPreferNativeTransport(true).setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true).setJvmMetricsEnabled(true).setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER).addDisabledMetricsCategory(MetricsDomain.EVENT_BUS));
  }

  /**
   * Where the services register their meters: Vert.x's Micrometer registry, the one {@code /metrics} serves beside
   * Vert.x's own meters (docs/metrics.md); a registry of their own, which nothing publishes, when this Vert.x has no
   * metrics.
   */
  static MeterRegistry meterRegistry(Vertx vertx) {
    MeterRegistry vertxRegistry = vertx.isMetricsEnabled() ? BackendRegistries.getDefaultNow() : null;
    return vertxRegistry != null ? vertxRegistry : new SimpleMeterRegistry();
  }

  /** The services on a plain Vert.x, or on a clustered one that has joined within {@code cluster.joinTimeout}. */
  private static Assembly assembly(SwitchboardConfig config) throws Exception {
    VertxOptions options = vertxOptions();
    ClusterConfig cluster = config.cluster();
    if (!cluster.enabled()) {
      Vertx vertx = Vertx.builder().with(options).build();
      return new Assembly(vertx, config, meterRegistry(vertx));
    }
    long started = System.nanoTime();
    ClusterNode node = ClusteredVertx.join(options, cluster);
    LOG.info("joined cluster '{}' in {} ms: {} member(s)", cluster.name(), (System.nanoTime() - started) / 1_000_000,
        node.members());
    return new Assembly(node, config, meterRegistry(node.vertx()));
  }

  /** Closes every listener and connection; gives up after the shutdown timeout so that a stop is always bounded. */
  private static void stop(Assembly assembly, SwitchboardConfig config) {
    try {
      assembly.stop().toCompletionStage().toCompletableFuture()
          .get(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("stop took longer than shutdownTimeout {}; exiting anyway", config.shutdownTimeout());
    } catch (ExecutionException e) {
      LOG.warn("stop failed: {}", e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Map<String, String> systemProperties() {
    Map<String, String> properties = new HashMap<>();
    System.getProperties().forEach((k, v) -> properties.put(k.toString(), v.toString()));
    return properties;
  }

  static String version() {
    try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
