package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  private Path file(String name, String text) throws IOException {
    Path path = dir.resolve(name);
    Files.writeString(path, text);
    return path;
  }

  private static SwitchboardConfig load(Path file, Map<String, String> flags, Map<String, String> props, Map<String, String> env) {
    return ConfigLoader.load(file, new OverrideSource(flags, props, env));
  }

  private static SwitchboardConfig load(Path file) {
    return ConfigLoader.load(file, OverrideSource.none());
  }

  @Test
  @DisplayName("with no file and no overrides every service runs on loopback on its default port")
  void defaults() {
    SwitchboardConfig config = load(null);
    assertThat(config.roles()).containsExactly(Role.ECHO, Role.UDP, Role.GATEWAY, Role.BRIDGE);
    assertThat(config.bridge().port()).isEqualTo(7070);
    assertThat(config.instances()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(config.echo().listeners()).singleElement().satisfies(l -> {
      assertThat(l.host()).isEqualTo("127.0.0.1");
      assertThat(l.port()).isEqualTo(7007);
      assertThat(l.framing()).isEqualTo(Framing.RAW);
      assertThat(l.maxFrameBytes()).isEqualTo(65536);
    });
    assertThat(config.udp()).isEqualTo(UdpConfig.defaults());
    assertThat(config.udp().host()).isEqualTo("127.0.0.1");
    assertThat(config.udp().port()).isEqualTo(7007);
    assertThat(config.gateway()).isEqualTo(GatewayConfig.defaults());
    assertThat(config.gateway().host()).isEqualTo("127.0.0.1");
    assertThat(config.gateway().port()).isEqualTo(8080);
    assertThat(config).isEqualTo(SwitchboardConfig.defaults());
  }

  @Test
  @DisplayName("buffer budgets: echo and bridge default to an eighth of the heap each, and are read from their keys")
  void bufferBudgets() throws IOException {
    assertThat(EchoConfig.defaults().maxBufferedBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 8);
    SwitchboardConfig config = load(file("m.yaml", """
        echo: {maxBufferedBytes: 1048576}
        """));
    assertThat(config.echo().maxBufferedBytes()).isEqualTo(1 << 20);
    assertThat(config.echo().listeners()).hasSize(1);
    assertThatThrownBy(() -> load(file("y.yaml", "echo:\n  maxBufferedBytes: 0\n")))
        .hasMessageContaining("echo.maxBufferedBytes = 0");
    assertThat(BridgeConfig.defaults().maxBufferedBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 8);
    assertThat(load(file("n.yaml", "bridge: {maxBufferedBytes: 3000000}\n")).bridge().maxBufferedBytes())
        .isEqualTo(3_000_000);
  }

  @Test
  @DisplayName("request body limits: the budget defaults to a quarter of the heap and may pass 2 GiB; the body clocks are read")
  void bodyLimits() throws IOException {
    assertThat(GatewayLimits.defaults().maxBufferedBodyBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
    GatewayConfig gateway = load(file("b.yaml", """
        gateway:
          limits: {maxBufferedBodyBytes: 4294967296}
          timeouts: {body: 10s, bodyMinRate: 2000, bodyTotal: 90s}
        """)).gateway();
    assertThat(gateway.limits().maxBufferedBodyBytes()).isEqualTo(4L << 30);
    assertThat(gateway.timeouts().body()).isEqualTo(Duration.ofSeconds(10));
    assertThat(gateway.timeouts().bodyMinRate()).isEqualTo(2000);
    assertThat(gateway.timeouts().bodyTotal()).isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(() -> load(file("z.yaml", "gateway:\n  limits: {maxBufferedBodyBytes: 0}\n")))
        .hasMessageContaining("gateway.limits.maxBufferedBodyBytes = 0");
  }

  @Test
  @DisplayName("a YAML file sets nested keys and lists of listeners")
  void yamlFile() throws IOException {
    Path yaml = file("s.yaml", """
        roles: [echo, gateway]
        instances: 3
        echo:
          listeners:
            - port: 7100
            - name: lines
              port: 7101
              framing: line
              delimiter: "\\r\\n"
              idleTimeout: 250ms
        gateway:
          port: 9090
        """);
    SwitchboardConfig config = load(yaml);
    assertThat(config.roles()).containsExactly(Role.ECHO, Role.GATEWAY);
    assertThat(config.instances()).isEqualTo(3);
    assertThat(config.echo().listeners()).hasSize(2);
    EchoListenerConfig lines = config.echo().listeners().get(1);
    assertThat(lines.framing()).isEqualTo(Framing.LINE);
    assertThat(lines.delimiter().getBytes()).containsExactly('\r', '\n');
    assertThat(lines.idleTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.gateway().port()).isEqualTo(9090);
  }

  @Test
  @DisplayName("a JSON file is read like YAML")
  void jsonFile() throws IOException {
    Path json = file("s.json", "{\"gateway\": {\"port\": 9191}, \"udp\": {\"host\": \"::1\"}}");
    SwitchboardConfig config = load(json);
    assertThat(config.gateway().port()).isEqualTo(9191);
    assertThat(config.udp().host()).isEqualTo("::1");
  }

  @Test
  @DisplayName("flag beats system property beats environment beats file beats default")
  void precedence() throws IOException {
    Path yaml = file("s.yaml", "gateway: {port: 1001}\nudp: {port: 2001}\necho: {listeners: [{port: 3001}]}\ninstances: 5\n");
    Map<String, String> env = Map.of("SWITCHBOARD_GATEWAY_PORT", "1002", "SWITCHBOARD_UDP_PORT", "2002",
        "SWITCHBOARD_INSTANCES", "6", "SWITCHBOARD_ECHO_LISTENERS_0_MAX_FRAME_BYTES", "100", "PATH", "/bin");
    Map<String, String> props = Map.of("switchboard.gateway.port", "1003", "switchboard.instances", "7", "java.home", "/x");
    Map<String, String> flags = Map.of("instances", "8");

    SwitchboardConfig config = load(yaml, flags, props, env);

    assertThat(config.instances()).isEqualTo(8);
    assertThat(config.gateway().port()).isEqualTo(1003);
    assertThat(config.udp().port()).isEqualTo(2002);
    assertThat(config.echo().listeners().get(0).port()).isEqualTo(3001);
    assertThat(config.echo().listeners().get(0).maxFrameBytes()).isEqualTo(100);
    assertThat(config.echo().listeners().get(0).idleTimeout()).isEqualTo(EchoListenerConfig.DEFAULT_IDLE_TIMEOUT);
  }

  @Test
  @DisplayName("environment variable names follow the key: camelCase becomes SNAKE_CASE, dots become underscores")
  void environmentNames() {
    assertThat(OverrideSource.environmentName("gateway.port")).isEqualTo("SWITCHBOARD_GATEWAY_PORT");
    assertThat(OverrideSource.environmentName("echo.listeners.0.maxFrameBytes"))
        .isEqualTo("SWITCHBOARD_ECHO_LISTENERS_0_MAX_FRAME_BYTES");
    assertThat(OverrideSource.environmentName("echo.listeners.1.tls.certPath"))
        .isEqualTo("SWITCHBOARD_ECHO_LISTENERS_1_TLS_CERT_PATH");
  }

  @Test
  @DisplayName("roles from an override are a comma-separated list")
  void rolesOverride() {
    SwitchboardConfig config = load(null, Map.of("roles", "udp, echo"), Map.of(), Map.of());
    assertThat(config.roles()).containsExactly(Role.ECHO, Role.UDP);
  }

  @Test
  @DisplayName("port 70000 is refused, naming the key, the value and its origin")
  void portOutOfRange() throws IOException {
    assertThatThrownBy(() -> load(file("s.yaml", "gateway:\n  port: 70000\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway.port = 70000")
        .hasMessageContaining("s.yaml")
        .hasMessageContaining("between 0 and 65535");
    assertThatThrownBy(() -> load(null, Map.of(), Map.of(), Map.of("SWITCHBOARD_UDP_PORT", "70000")))
        .hasMessageContaining("udp.port = 70000 (from environment variable SWITCHBOARD_UDP_PORT)");
  }

  @Test
  @DisplayName("a negative timeout is refused, naming the key")
  void negativeTimeout() throws IOException {
    assertThatThrownBy(() -> load(file("s.yaml", "echo: {listeners: [{idleTimeout: -5s}]}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("echo.listeners.0.idleTimeout = -5s")
        .hasMessageContaining("must not be negative");
    assertThatThrownBy(() -> load(null, Map.of(), Map.of("switchboard.shutdownTimeout", "-1s"), Map.of()))
        .hasMessageContaining("shutdownTimeout = -1s (from system property switchboard.shutdownTimeout)");
  }

  @Test
  @DisplayName("a duration without a unit is refused")
  void durationWithoutUnit() throws IOException {
    assertThatThrownBy(() -> load(file("s.yaml", "echo: {listeners: [{frameTimeout: 30}]}")))
        .hasMessageContaining("echo.listeners.0.frameTimeout = 30")
        .hasMessageContaining("with a unit");
  }

  @Test
  @DisplayName("unknown keys are refused at any depth, with their full name")
  void unknownKeys() throws IOException {
    assertThatThrownBy(() -> load(file("a.yaml", "gateway:\n  prot: 9090\n")))
        .hasMessage("unknown config key gateway.prot (in " + dir.resolve("a.yaml") + ")");
    assertThatThrownBy(() -> load(file("b.yaml", "echo:\n  listeners:\n    - port: 1\n      framming: line\n")))
        .hasMessageContaining("unknown config key echo.listeners.0.framming");
    assertThatThrownBy(() -> load(file("c.yaml", "colour: blue\n")))
        .hasMessageContaining("unknown config key colour");
  }

  @Test
  @DisplayName("cluster.kubernetes: off by default; serviceDns is a bare DNS name, servicePort 0 means cluster.port")
  void kubernetesDiscovery() throws IOException {
    assertThat(load(null).cluster().kubernetes()).isEqualTo(KubernetesDiscovery.defaults());
    assertThat(load(null).cluster().kubernetes().enabled()).isFalse();
    ClusterConfig cluster = load(null, Map.of(), Map.of(), Map.of("SWITCHBOARD_CLUSTER_KUBERNETES_SERVICE_DNS",
        "switchboard-cluster", "SWITCHBOARD_CLUSTER_PORT", "5801")).cluster();
    assertThat(cluster.kubernetes()).isEqualTo(new KubernetesDiscovery("switchboard-cluster", 0));
    assertThat(cluster.kubernetesPort()).isEqualTo(5801);
    assertThat(load(file("k.yaml", "cluster: {kubernetes: {serviceDns: a.b.svc.cluster.local, servicePort: 5702}}\n"))
        .cluster().kubernetesPort()).isEqualTo(5702);
    assertThatThrownBy(() -> load(file("p.yaml", "cluster: {kubernetes: {serviceDns: \"switchboard-cluster:5701\"}}\n")))
        .hasMessage("config key cluster.kubernetes.serviceDns: 'switchboard-cluster:5701' is not a DNS name (no port, "
            + "no scheme: the port is servicePort)");
    assertThatThrownBy(() -> load(file("u.yaml", "cluster: {kubernetes: {serviceName: x}}\n")))
        .hasMessageContaining("unknown config key cluster.kubernetes.serviceName");
  }

  @Test
  @DisplayName("the variables Kubernetes sets for a Service named switchboard-gateway are ignored, one WARN line each")
  void kubernetesServiceLinks() {
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "SWITCHBOARD_GATEWAY_SERVICE_HOST", "10.96.0.12",
        "SWITCHBOARD_GATEWAY_SERVICE_PORT", "80",
        "SWITCHBOARD_GATEWAY_SERVICE_PORT_HTTP", "80",
        "SWITCHBOARD_GATEWAY_PORT", "tcp://10.96.0.12:80",
        "SWITCHBOARD_GATEWAY_PORT_80_TCP", "tcp://10.96.0.12:80",
        "SWITCHBOARD_GATEWAY_PORT_80_TCP_PROTO", "tcp",
        "SWITCHBOARD_GATEWAY_PORT_80_TCP_PORT", "80",
        "SWITCHBOARD_GATEWAY_PORT_80_TCP_ADDR", "10.96.0.12"));
    env.put("SWITCHBOARD_UDP_PORT", "udp://[fd00::12]:7007");
    env.put("SWITCHBOARD_ECHO_LISTENERS_0_PORT", "7100");
    OverrideSource overrides = new OverrideSource(Map.of(), Map.of(), env);
    SwitchboardConfig config = ConfigLoader.load(null, overrides);
    assertThat(config.gateway().port()).as("the link is not a port: the default stays").isEqualTo(8080);
    assertThat(config.udp().port()).isEqualTo(7007);
    assertThat(config.echo().listeners().get(0).port()).as("a real setting beside them still counts").isEqualTo(7100);
    assertThat(overrides.ignoredEnvironment()).containsOnlyKeys(env.keySet().stream()
        .filter(name -> !name.startsWith("SWITCHBOARD_ECHO")).toList());
    assertThat(overrides.ignoredEnvironment().get("SWITCHBOARD_GATEWAY_PORT")).isEqualTo("ignoring environment variable "
        + "SWITCHBOARD_GATEWAY_PORT=tcp://10.96.0.12:80: Kubernetes sets it for the Service switchboard-gateway (a service "
        + "link), it is no Switchboard setting; set enableServiceLinks: false in the pod spec");
    assertThat(overrides.ignoredEnvironment().get("SWITCHBOARD_UDP_PORT")).contains("the Service switchboard-udp");
  }

  @Test
  @DisplayName("a malformed value is refused even where a service link could be: only Kubernetes' exact shapes pass")
  void notServiceLinks() {
    assertThatThrownBy(() -> load(null, Map.of(), Map.of(), Map.of("SWITCHBOARD_GATEWAY_PORT", "http://10.0.0.1:80")))
        .hasMessage("config key gateway.port = http://10.0.0.1:80 (from environment variable SWITCHBOARD_GATEWAY_PORT): "
            + "expected a whole number");
    assertThatThrownBy(() -> load(null, Map.of(), Map.of(), Map.of("SWITCHBOARD_GATEWAY_PORT", "tcp://10.0.0.1")))
        .hasMessageContaining("gateway.port = tcp://10.0.0.1");
    assertThatThrownBy(() -> load(null, Map.of(), Map.of(), Map.of("SWITCHBOARD_GATEWAY_PORT", "80a")))
        .hasMessageContaining("expected a whole number");
    assertThat(load(null, Map.of(), Map.of(), Map.of("SWITCHBOARD_CLUSTER_KUBERNETES_SERVICE_PORT", "5801"))
        .cluster().kubernetes().servicePort()).as("a real key named like a service link is a setting").isEqualTo(5801);
    assertThatThrownBy(() -> load(null, Map.of(), Map.of(), Map.of("SWITCHBOARD_GATEWAY_SERVICE_PORT", "eighty")))
        .hasMessage("environment variable SWITCHBOARD_GATEWAY_SERVICE_PORT matches no config key");
    assertThatThrownBy(() -> load(null, Map.of(), Map.of(), Map.of("SWITCHBOARD_GATEWAY_PORT_80_TCP", "tcp://x:80")))
        .hasMessage("environment variable SWITCHBOARD_GATEWAY_PORT_80_TCP matches no config key");
    assertThatThrownBy(() -> load(null, Map.of(), Map.of("switchboard.gateway.port", "tcp://10.0.0.1:80"), Map.of()))
        .as("system properties are not service links").hasMessageContaining("expected a whole number");
  }

  @Test
  @DisplayName("an override in Switchboard's namespace that matches no key is refused")
  void unknownOverrides() {
    assertThatThrownBy(() -> load(null, Map.of(), Map.of(), Map.of("SWITCHBOARD_GATEWAY_PROT", "1")))
        .hasMessage("environment variable SWITCHBOARD_GATEWAY_PROT matches no config key");
    assertThatThrownBy(() -> load(null, Map.of(), Map.of("switchboard.gateway.prot", "1"), Map.of()))
        .hasMessageContaining("unknown config key gateway.prot (from system property switchboard.gateway.prot)");
    assertThatThrownBy(() -> load(null, Map.of(), Map.of(), Map.of("SWITCHBOARD_ECHO_LISTENERS_1_PORT", "1")))
        .hasMessageContaining("SWITCHBOARD_ECHO_LISTENERS_1_PORT matches no config key");
  }

  @Test
  @DisplayName("a YAML file that does not parse is refused with line and column")
  void yamlSyntax() throws IOException {
    Path yaml = file("bad.yaml", "gateway:\n  port: 8080\n   host: x\n");
    assertThatThrownBy(() -> load(yaml))
        .hasMessageStartingWith("config file " + yaml + " does not parse at line 3, column");
  }

  @Test
  @DisplayName("a JSON file that does not parse is refused with line and column")
  void jsonSyntax() throws IOException {
    Path json = file("bad.json", "{\n  \"gateway\": {\"port\": 80,}\n}\n");
    assertThatThrownBy(() -> load(json))
        .hasMessageStartingWith("config file " + json + " does not parse at line 2, column");
  }

  @Test
  @DisplayName("duplicate keys in a file are refused")
  void duplicateKeys() throws IOException {
    assertThatThrownBy(() -> load(file("d.yaml", "gateway: {port: 1}\ngateway: {port: 2}\n")))
        .hasMessageContaining("does not parse").hasMessageContaining("duplicate key gateway");
    assertThatThrownBy(() -> load(file("d.json", "{\"udp\": {}, \"udp\": {}}")))
        .hasMessageContaining("does not parse").hasMessageContaining("Duplicate field 'udp'");
  }

  @Test
  @DisplayName("a missing config file is named")
  void missingFile() {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> load(missing)).hasMessage("config file " + missing + " does not exist");
  }

  @Test
  @DisplayName("wrong types are refused: text for a number, a scalar for a mapping, an unknown role or framing")
  void wrongTypes() throws IOException {
    assertThatThrownBy(() -> load(null, Map.of("instances", "many"), Map.of(), Map.of()))
        .hasMessageContaining("instances = many (from command-line flag): expected a whole number");
    assertThatThrownBy(() -> load(file("a.yaml", "gateway: 8080\n")))
        .hasMessageContaining("gateway").hasMessageContaining("expected a mapping");
    assertThatThrownBy(() -> load(null, Map.of("roles", "echo,ftp"), Map.of(), Map.of()))
        .hasMessageContaining("config key roles: unknown role 'ftp'");
    assertThatThrownBy(() -> load(file("b.yaml", "echo: {listeners: [{framing: netstring}]}")))
        .hasMessageContaining("echo.listeners.0.framing = netstring")
        .hasMessageContaining("expected one of fixed, length, length-ascii, line, raw");
  }

  @Test
  @DisplayName("fixed framing needs fixedBytes, no larger than maxFrameBytes")
  void fixedFraming() throws IOException {
    assertThatThrownBy(() -> load(file("a.yaml", "echo: {listeners: [{framing: fixed}]}")))
        .hasMessageContaining("echo.listeners.0.fixedBytes: required");
    assertThatThrownBy(() -> load(file("b.yaml", "echo: {listeners: [{framing: fixed, fixedBytes: 100, maxFrameBytes: 10}]}")))
        .hasMessageContaining("echo.listeners.0.fixedBytes: 100 exceeds maxFrameBytes 10");
  }

  @Test
  @DisplayName("two TCP listeners on one fixed port, or two listeners with one name, are refused")
  void clashes() throws IOException {
    assertThatThrownBy(() -> load(file("a.yaml", "echo: {listeners: [{port: 9000}]}\ngateway: {port: 9000}\n")))
        .hasMessageContaining("config key gateway.port: 127.0.0.1:9000 is already used by echo listener raw");
    assertThatThrownBy(() -> load(file("b.yaml", "echo: {listeners: [{port: 9001}, {port: 9002}]}\n")))
        .hasMessageContaining("echo.listeners.1.name: 'raw' is already the name of listener 0");
    // The same port on UDP and TCP is fine, and so is a clash with a role that does not run.
    assertThat(load(file("c.yaml", "roles: [echo]\necho: {listeners: [{port: 9000}]}\ngateway: {port: 9000}\n")).roles())
        .isEqualTo(EnumSet.of(Role.ECHO));
  }

  @Test
  @DisplayName("delimiters accept escapes, so CR LF can be written in an environment variable")
  void delimiterEscapes() {
    SwitchboardConfig config = load(null, Map.of(), Map.of(),
        Map.of("SWITCHBOARD_ECHO_LISTENERS_0_DELIMITER", "\\r\\n", "SWITCHBOARD_ECHO_LISTENERS_0_FRAMING", "line"));
    assertThat(config.echo().listeners().get(0).delimiter().getBytes()).containsExactly('\r', '\n');
    assertThat(EscapedText.toBytes("a\\x00,é").getBytes()).containsExactly('a', 0, ',', 0xC3, 0xA9);
  }

  @Test
  @DisplayName("UDP keys: reply mode, rate limit, send allow-list as CIDR blocks; a bad block is refused by name")
  void udpKeys() throws IOException {
    SwitchboardConfig config = load(file("u.yaml", """
        udp:
          replyMode: hello
          rateLimit: {perSecond: 100}
          send: {allow: ["10.0.0.0/8", "::1"]}
        """));
    assertThat(config.udp().replyMode()).isEqualTo(UdpConfig.ReplyMode.HELLO);
    assertThat(config.udp().rateLimit().perSecond()).isEqualTo(100);
    assertThat(config.udp().rateLimit().burst()).as("burst defaults to the rate").isEqualTo(100);
    assertThat(config.udp().sendAllow().toString()).isEqualTo("10.0.0.0/8, ::1");
    assertThatThrownBy(() -> load(null, Map.of(), Map.of(), Map.of("SWITCHBOARD_UDP_SEND_ALLOW", "10.0.0.0/33")))
        .hasMessageContaining("config key udp.send.allow: '10.0.0.0/33' has a prefix length outside 0-32");
    assertThatThrownBy(() -> load(null, Map.of(), Map.of(), Map.of("SWITCHBOARD_UDP_SEND_ALLOW", "example.com")))
        .hasMessageContaining("'example.com' is not an address block");
    assertThatThrownBy(() -> load(null, Map.of(), Map.of(), Map.of("SWITCHBOARD_UDP_REPLY_MODE", "shout")))
        .hasMessageContaining("expected one of echo, hello, none, upper");
  }

  @Test
  @DisplayName("gateway routes: prefix and address required, methods upper-cased, defaults inherited; bad ones refused")
  void gatewayRoutes() throws IOException {
    SwitchboardConfig config = load(file("g.yaml", """
        gateway:
          upstreamTimeout: 5s
          routes:
            - {prefix: /api, address: wsgi.api, methods: [get, post]}
            - {prefix: /slow, address: wsgi.slow, timeout: 1m, maxBodyBytes: 10}
        """));
    GatewayRoute api = config.gateway().routes().get(0);
    assertThat(api.methods()).containsExactly("GET", "POST");
    assertThat(api.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(api.maxBodyBytes()).isEqualTo(GatewayConfig.DEFAULT_MAX_BODY_BYTES);
    assertThat(config.gateway().routes().get(1).timeout()).isEqualTo(Duration.ofMinutes(1));
    assertThatThrownBy(() -> load(file("h.yaml", "gateway: {routes: [{prefix: api, address: a}]}")))
        .hasMessageContaining("gateway.routes.0.prefix: must be a path");
    assertThatThrownBy(() -> load(file("i.yaml", "gateway: {routes: [{prefix: /api}]}")))
        .hasMessageContaining("gateway.routes.0.address: required");
    assertThatThrownBy(() -> load(file("j.yaml", "gateway: {upstreamTimeout: 0}")))
        .hasMessageContaining("gateway.upstreamTimeout: must be more than 0");
  }

  @Test
  @DisplayName("a bare YAML off (read as false) where a word is expected gets a hint to quote it")
  void yamlBooleanWords() throws IOException {
    assertThatThrownBy(() -> load(file("o.yaml", "gateway: {accessLog: off}\n")))
        .hasMessageContaining("gateway.accessLog = false")
        .hasMessageContaining("quote the word");
    assertThat(load(file("q.yaml", "gateway: {accessLog: \"off\"}\n")).gateway().accessLog())
        .isEqualTo(GatewayConfig.AccessLogFormat.OFF);
  }

  @Test
  @DisplayName("TLS needs both a certificate and a key")
  void tlsPair() throws IOException {
    assertThatThrownBy(() -> load(file("a.yaml", "echo: {listeners: [{tls: {certPath: /c.pem}}]}")))
        .hasMessageContaining("echo.listeners.0.tls.keyPath: TLS needs both certPath and keyPath");
  }

  @Test
  @DisplayName("builtinRoutes: each route moves to a path or is switched off; on means its default path")
  void builtinRoutesMovedAndOff() throws IOException {
    BuiltinRoutes routes = load(file("r.yaml", """
        gateway:
          builtinRoutes:
            dashboard: off
            metrics: /_/metrics
            health: /_/health
            echo: "off"
            udpSend: on
        """)).gateway().builtinRoutes();
    assertThat(routes).isEqualTo(new BuiltinRoutes(null, "/_/metrics", "/_/health", "/events", null, "/udp/send"));
    assertThat(routes.healthPath("ready")).isEqualTo("/_/health/ready");
    assertThat(load(null).gateway().builtinRoutes()).isEqualTo(BuiltinRoutes.defaults());
    Map<String, String> env = Map.of("SWITCHBOARD_GATEWAY_BUILTIN_ROUTES_ECHO", "off");
    assertThat(load(null, Map.of(), Map.of(), env).gateway().builtinRoutes().echo()).isNull();
  }

  @Test
  @DisplayName("builtinRoutes: /events and /udp/send are off by default on a non-loopback host, unless enabled")
  void builtinRoutesOffOnNonLoopbackHost() throws IOException {
    for (String host : new String[] {"0.0.0.0", "::", "10.1.2.3", "gateway.example"}) {
      BuiltinRoutes routes = load(file("n.yaml", "gateway: {host: \"" + host + "\"}\n")).gateway().builtinRoutes();
      assertThat(routes.events()).as(host).isNull();
      assertThat(routes.udpSend()).as(host).isNull();
      assertThat(routes.echo()).as(host).isEqualTo("/echo");
      assertThat(routes.metrics()).as(host).isEqualTo("/metrics");
    }
    for (String host : new String[] {"127.0.0.1", "127.0.0.2", "::1", "localhost"}) {
      BuiltinRoutes routes = load(file("l.yaml", "gateway: {host: \"" + host + "\"}\n")).gateway().builtinRoutes();
      assertThat(routes.events()).as(host).isEqualTo("/events");
      assertThat(routes.udpSend()).as(host).isEqualTo("/udp/send");
    }
    BuiltinRoutes enabled = load(file("e.yaml", """
        gateway: {host: 0.0.0.0, builtinRoutes: {events: on, udpSend: /_/udp}}
        """)).gateway().builtinRoutes();
    assertThat(enabled.events()).isEqualTo("/events");
    assertThat(enabled.udpSend()).isEqualTo("/_/udp");
  }

  @Test
  @DisplayName("builtinRoutes: a value that is no path, an unknown route and two routes on one path are refused")
  void builtinRoutesRefused() throws IOException {
    assertThatThrownBy(() -> load(file("b1.yaml", "gateway: {builtinRoutes: {metrics: metrics}}")))
        .hasMessageContaining("gateway.builtinRoutes.metrics: 'metrics' must be on, off or a path");
    assertThatThrownBy(() -> load(file("b2.yaml", "gateway: {builtinRoutes: {metrics: /m/}}")))
        .hasMessageContaining("gateway.builtinRoutes.metrics: '/m/' must be on, off or a path");
    assertThatThrownBy(() -> load(file("b3.yaml", "gateway: {builtinRoutes: {bridge: off}}")))
        .hasMessageContaining("unknown config key gateway.builtinRoutes.bridge");
    assertThatThrownBy(() -> load(file("b4.yaml", "gateway: {builtinRoutes: {echo: /metrics}}")))
        .hasMessageContaining("gateway.builtinRoutes.echo: path /metrics is already the metrics route's");
    assertThatThrownBy(() -> load(file("b5.yaml", "gateway: {builtinRoutes: {metrics: /health/live}}")))
        .hasMessageContaining("gateway.builtinRoutes.health: path /health/live is already the metrics route's");
  }

  @Test
  @DisplayName("trustedProxies: CIDR blocks, none by default; a host name or a bad prefix is refused")
  void trustedProxies() throws IOException {
    assertThat(load(null).gateway().trustedProxies().isEmpty()).isTrue();
    GatewayConfig gateway = load(file("t.yaml", "gateway: {trustedProxies: [10.0.0.0/8, \"::1/128\"]}")).gateway();
    assertThat(gateway.trustedProxies().allows(java.net.InetAddress.getByName("10.9.8.7"))).isTrue();
    assertThat(gateway.trustedProxies().allows(java.net.InetAddress.getByName("11.0.0.1"))).isFalse();
    assertThatThrownBy(() -> load(file("t2.yaml", "gateway: {trustedProxies: [proxy.example]}")))
        .hasMessageContaining("gateway.trustedProxies: 'proxy.example' is not an address block");
    assertThatThrownBy(() -> load(file("t3.yaml", "gateway: {trustedProxies: [10.0.0.0/33]}")))
        .hasMessageContaining("gateway.trustedProxies: '10.0.0.0/33' has a prefix length outside 0-32");
  }
}
