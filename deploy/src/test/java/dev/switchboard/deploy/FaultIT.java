package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.Await;
import dev.switchboard.testing.ChildProcess;
import dev.switchboard.testing.IntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * deploy/fault-test.sh as CI runs it: three JVMs in network namespaces of their own under load, through kill -9, a
 * rolling SIGTERM restart and a partition. Today it asserts what holds today (every scenario ran and was reported,
 * the cluster recovered after each, nothing is left behind); with {@code FAULT_TEST_STRICT=1} (or
 * {@code -Dfault.strict=true}) the script also checks the targets of issue 16 and this test fails when one is missed.
 * Skipped unless run as root with {@code ip netns}.
 */
@IntegrationTest
@Timeout(value = 200, unit = TimeUnit.SECONDS)
class FaultIT {

  private static final Path SCRIPT = Path.of("fault-test.sh").toAbsolutePath();
  private static final Path DIR = Path.of("target", "fault-it").toAbsolutePath();
  /** The script's own bound; the test waits a little longer, for the script's cleanup. */
  private static final int SCRIPT_TIMEOUT_S = 170;
 private static final Pattern SUMMARY = Pattern.compile("(?m)^scenario=.*$");
  private static final Pattern PAIR = Pattern.compile("(\\w+)=(\\S+)");
  private static final Pattern PID = Pattern.compile("(?m)\\bpid (\\d+)");
  private static final Pattern NAMESPACES = Pattern.compile("(?m)namespaces (sbf\\d+)-br ");
  /** A summary's {@code failures}: none, or 502s only (fault-load.py counts them by status, e.g. {@code 502:4}). */
  private static final Pattern ONLY_502 = Pattern.compile("-|502:\\d+");

  @BeforeAll
  static void rootWithNetworkNamespaces() throws Exception {
    assumeTrue(run("id", "-u").strip().equals("0"), "needs root for network namespaces");
    assumeTrue(exitsZero("ip", "netns", "list"), "ip netns is not available");
  }

  private static String run(String... command) throws IOException, InterruptedException {
    return ChildProcess.run(Duration.ofSeconds(10), command).output();
  }

  private static boolean exitsZero(String... command) {
    try {
      return ChildProcess.run(Duration.ofSeconds(10), command).exitValue() == 0;
    } catch (IOException | InterruptedException | AssertionError e) {  // missing, or hung: not available either way
      return false;
    }
  }

  private static boolean strict() {
    return "1".equals(System.getenv("FAULT_TEST_STRICT")) || Boolean.getBoolean("fault.strict");
  }

  /** Runs the script to its end; on overrun SIGTERM (its trap cleans up), then SIGKILL. Returns exit code and output. */
  private static Map.Entry<Integer, String> runScript() throws Exception {
    Files.createDirectories(DIR);
    Path output = DIR.resolve("output.txt");
    ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString()).redirectErrorStream(true)
        .redirectOutput(output.toFile());
    Map<String, String> env = builder.environment();
    env.put("FAULT_TEST_JAR", System.getProperty("test.switchboard.jar", "target/switchboard.jar"));
    env.put("FAULT_DIR", DIR.toString());
    env.put("FAULT_TEST_TIMEOUT", String.valueOf(SCRIPT_TIMEOUT_S));
    env.put("FAULT_TEST_STRICT", strict() ? "1" : "0");
    env.put("JAVA_OPTS", System.getProperty("fault.javaOpts", ""));
    Process process = builder.start();
    if (!process.waitFor(SCRIPT_TIMEOUT_S + 10, TimeUnit.SECONDS)) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      throw new AssertionError("fault-test.sh overran " + (SCRIPT_TIMEOUT_S + 10) + " s:\n" + Files.readString(output));
    }
    return Map.entry(process.exitValue(), Files.readString(output));
  }

  private static Map<String, Map<String, String>> summaries(String out) {
    Map<String, Map<String, String>> byScenario = new LinkedHashMap<>();
    Matcher line = SUMMARY.matcher(out);
    while (line.find()) {
      Map<String, String> fields = new LinkedHashMap<>();
      Matcher pair = PAIR.matcher(line.group());
      while (pair.find()) {
        fields.put(pair.group(1), pair.group(2));
      }
      byScenario.put(fields.get("scenario"), fields);
    }
    return byScenario;
  }

  @Test
  @DisplayName("kill -9, a rolling SIGTERM restart and a partition under load: each reported, recovered from, cleaned up")
  void faultsUnderLoad() throws Exception {
    Map.Entry<Integer, String> result = runScript();
    String out = result.getValue();
    System.out.println(out);
    assumeTrue(!out.startsWith("fault-test: skipped:"), out.strip());

    assertThat(result.getKey()).as("exit status (4: a target missed, with FAULT_TEST_STRICT=1)\n%s", out).isZero();
    Map<String, Map<String, String>> summaries = summaries(out);
    assertThat(summaries.keySet()).as(out).containsExactly("baseline", "kill9", "rolling", "partition");
    for (Map<String, String> s : summaries.values()) {
      assertThat(s).as(out).containsKeys("sent", "failed", "longest_ms", "recovery_s", "merged", "inflight_at_fault");
      assertThat(Integer.parseInt(s.get("sent"))).as("requests sent in %s", s.get("scenario")).isPositive();
      assertThat(Integer.parseInt(s.get("failed"))).isBetween(0, Integer.parseInt(s.get("sent")));
      assertThat(Double.parseDouble(s.get("recovery_s"))).isNotNegative();
      assertThat(s.get("recovered")).as("the last requests of %s all succeeded", s.get("scenario")).isEqualTo("yes");
    }
    assertThat(summaries.get("baseline").get("failed")).as("failures before any fault").isEqualTo("0");
    // The fixes, asserted by what the failures were: a request the gateway gave up on by its 30 s upstream timeout
    // is a 504, one it failed because the cluster noticed a node gone is a 502 (node-lost). The exact targets (6 s,
    // 15 s) are checked with FAULT_TEST_STRICT=1 and the measured figures are in docs/cluster.md.
    Map<String, String> kill9 = summaries.get("kill9");
    assertThat(Integer.parseInt(kill9.get("failed"))).as("kill -9: at most the requests in flight on 4 connections")
        .isLessThanOrEqualTo(4);
    assertThat(kill9.get("failures")).as("kill -9: every failure a 502, none a 504 after the upstream timeout")
        .matches(ONLY_502);
    // The README promises those 502s within cluster.maxNoHeartbeat (5 s) of a node's death: a generous bound on it.
    assertThat(Integer.parseInt(kill9.get("longest_ms"))).as("kill -9: README's 'within maxNoHeartbeat', with room")
        .isLessThan(10_000);
    assertThat(summaries.get("rolling").get("failed")).as("rolling SIGTERM restart: nothing lost").isEqualTo("0");
    Map<String, String> partition = summaries.get("partition");
    // With Hazelcast's default merge delays (first check after 300 s) the script's 60 s merge wait would end unmerged.
    assertThat(partition.get("merged")).as("one cluster again after the partition").isEqualTo("yes");
    // The README promises a merge within about 10 s of the heal: a generous bound on it.
    assertThat(Double.parseDouble(partition.get("merged_s"))).as("merged: README's 'within about 10 s', with room")
        .isLessThan(30);
    assertThat(partition.get("failures")).as("partition: requests across the cut fail on detection, with 502")
        .matches(ONLY_502);
    assertThat(Integer.parseInt(partition.get("longest_ms"))).as("partition: README's 'within maxNoHeartbeat', with room")
        .isLessThan(10_000);
    assertThat(out).containsPattern("(?m)^scenario +sent +failed");

    Matcher namespaces = NAMESPACES.matcher(out);
    assertThat(namespaces.find()).as("the script names its namespaces").isTrue();
    String prefix = namespaces.group(1) + "-";
    assertThat(run("ip", "netns", "list").lines().filter(n -> n.startsWith(prefix)).toList())
        .as("namespaces left behind").isEmpty();
    List<Long> pids = new ArrayList<>();
    Matcher pid = PID.matcher(out);
    while (pid.find()) {
      pids.add(Long.parseLong(pid.group(1)));
    }
    assertThat(pids).as("node and load PIDs reported").hasSizeGreaterThanOrEqualTo(7);
    Await.condition("every JVM and the load to be gone", Duration.ofSeconds(10),
        () -> pids.stream().noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)));
  }
}
