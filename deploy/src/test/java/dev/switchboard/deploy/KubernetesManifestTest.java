package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The deployment files under {@code deploy/kubernetes} and {@code deploy/systemd}, checked without running them. */
class KubernetesManifestTest {

  private static final Path MANIFESTS = Path.of("kubernetes");
  private static final Path SYSTEMD_UNIT = Path.of("systemd", "switchboard@.service");

  private static List<String> hazelcastJvmOptions() throws IOException {
    return KubernetesManifestCheck.shellWords(Files.readString(Path.of("local-cluster.sh")), "hz_opens");
  }

  private static List<String> check(String yaml) throws IOException {
    return new KubernetesManifestCheck(hazelcastJvmOptions()).check(yaml);
  }

  @Test
  @DisplayName("every manifest in deploy/kubernetes parses, fits the Kubernetes API objects and starts a valid configuration")
  void manifestsAreValid() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(MANIFESTS)) {
      files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      assertThat(check(Files.readString(file))).as(file.toString()).isEmpty();
    }
  }

  /** The problems of the example manifest with its first {@code from} replaced by {@code to}. */
  private static List<String> problemsAfter(String from, String to) throws IOException {
    String manifest = Files.readString(MANIFESTS.resolve("switchboard.yaml"));
    assertThat(manifest).contains(from);
    return check(manifest.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)));
  }

  @Test
  @DisplayName("the check finds what the API server, the kubelet or the jar would refuse")
  void checkFindsProblems() throws IOException {
    String manifest = Files.readString(MANIFESTS.resolve("switchboard.yaml"));
    String crossDocumentAnchor = manifest.replaceFirst("          env:\n", "          env: &shared\n")
        .replaceFirst("(?s)(kind: Deployment.*kind: Deployment.*?)          env:\n.*?          ports:",
            "$1          env: *shared\n          ports:");
    assertThat(check(crossDocumentAnchor)).singleElement().asString().startsWith("does not parse");
    assertThat(problemsAfter("      enableServiceLinks: false\n", "      enableServiceLink: false\n")).containsExactlyInAnyOrder(
        "Deployment switchboard-gateway: enableServiceLinks must be false (service links put SWITCHBOARD_* variables in the pod)",
        "apps/v1/Deployment switchboard-gateway.spec.template.spec: unknown field 'enableServiceLink'");
    assertThat(problemsAfter("protocol: UDP", "protocl: UDP")).contains("apps/v1/Deployment switchboard-services"
        + ".spec.template.spec.containers[0].ports[1]: unknown field 'protocl'");
    assertThat(problemsAfter("containerPort: 8080", "containerPort: \"8080\"")).as("a string where a number belongs")
        .anySatisfy(problem -> assertThat(problem).startsWith("apps/v1/Deployment: ").contains("containerPort"));
    assertThat(problemsAfter("              port: http\n            periodSeconds: 5\n",
        "              port: htp\n            periodSeconds: 5\n"))
        .contains("Deployment switchboard-gateway container gateway: probe port htp is no containerPort");
    assertThat(problemsAfter("- name: POD_IP", "- name: POD_ADDRESS"))
        .contains("Deployment switchboard-gateway container gateway: env SWITCHBOARD_CLUSTER_HOST refers to $(POD_IP), "
            + "not defined before it");
    assertThat(problemsAfter("SWITCHBOARD_CLUSTER_MIN_MEMBERS", "SWITCHBOARD_CLUSTER_MINMEMBERS")).containsExactly(
        "Deployment switchboard-gateway container gateway: the configuration does not load: environment variable "
            + "SWITCHBOARD_CLUSTER_MINMEMBERS matches no config key");
    assertThat(problemsAfter("\"--instances\"", "\"--instanses\"")).containsExactly(
        "Deployment switchboard-gateway container gateway: args [--cluster, --roles, gateway,bridge, --instanses, 2] "
            + "refused by the jar: unknown option --instanses");
    assertThat(problemsAfter("SWITCHBOARD_ECHO_LISTENERS_0_HOST", "SWITCHBOARD_ECHO_LISTENERS_0_NAME")).containsExactly(
        "Deployment switchboard-services container services: containerPort echo (TCP/7007) listens on 127.0.0.1 only: "
            + "unreachable from outside the pod");
    assertThat(problemsAfter("terminationGracePeriodSeconds: 15", "terminationGracePeriodSeconds: 9")).containsExactly(
        "Deployment switchboard-gateway container gateway: terminationGracePeriodSeconds 9 is not more than preStop + "
            + "shutdownTimeout (9 s)");
    assertThat(problemsAfter("failureThreshold: 12", "failureThreshold: 6")).containsExactly(
        "Deployment switchboard-gateway container gateway: the startupProbe gives up after 30 s, before a JVM start (15 s) "
            + "and cluster.joinTimeout (30 s)");
    assertThat(problemsAfter("memory: 512Mi", "memory: 2Gi")).containsExactly(
        "Deployment switchboard-gateway container gateway: the memory request 2Gi is above its limit 1Gi");
    assertThat(problemsAfter("cpu: 500m", "cpu: half")).singleElement().asString()
        .startsWith("Deployment switchboard-gateway container gateway: a resource quantity does not parse");
    assertThat(problemsAfter("targetPort: http", "targetPort: 8081")).containsExactly(
        "Service switchboard-gateway: targetPort 8081 is no containerPort of Deployment switchboard-gateway");
    assertThat(problemsAfter("\"--add-modules\", \"java.se\", ", "")).singleElement().asString()
        .startsWith("Deployment switchboard-gateway container gateway: a clustered JVM needs Hazelcast's options");
    assertThat(problemsAfter("value: \"switchboard-cluster\"", "value: \"switchboard-gateway\"")).containsExactly(
        "Deployment switchboard-gateway container gateway: cluster.kubernetes.serviceDns switchboard-gateway must name a "
            + "headless Service of these manifests (clusterIP None, publishNotReadyAddresses) that selects this pod");
  }

  @Test
  @DisplayName("the systemd unit's command line is the jar's with Hazelcast's flags, and its Environment= lines load as configuration")
  void systemdUnit() throws IOException {
    List<String> lines = Files.readAllLines(SYSTEMD_UNIT);
    Map<String, String> environment = new LinkedHashMap<>();
    List<String> execStart = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("Environment=")) {
        // Environment="A=1" "B=2" or Environment=A=1 B=2
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"=]+)=([^\"]*)\"|([^\\s\"=]+)=(\\S*)")
            .matcher(line.substring("Environment=".length()));
        while (m.find()) {
          environment.put(m.group(1) != null ? m.group(1) : m.group(3), m.group(1) != null ? m.group(2) : m.group(4));
        }
      } else if (line.startsWith("ExecStart=")) {
        execStart.addAll(List.of(line.substring("ExecStart=".length()).trim().split("\\s+")));
      }
    }
    int jar = execStart.indexOf("-jar");
    assertThat(jar).as("ExecStart runs java -jar").isPositive();
    // The unit's config file may turn clustering on: the JVM gets Hazelcast's flags as local-cluster.sh gives them.
    assertThat(execStart.subList(1, jar)).containsSubsequence(hazelcastJvmOptions());
    CommandLine commandLine = CommandLine.parse(execStart.subList(jar + 2, execStart.size()).toArray(String[]::new));
    assertThat(commandLine.configFile()).isNotNull();
    // The unit's file lives on the target machine; the flags and any Environment= lines must load on their own.
    OverrideSource overrides = new OverrideSource(commandLine.keyOverrides(), Map.of(), environment);
    ConfigLoader.load(null, overrides);
    assertThat(overrides.ignoredEnvironment()).isEmpty();
  }
}
