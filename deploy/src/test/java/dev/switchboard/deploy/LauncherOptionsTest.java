package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JVM options {@code switchboard.sh} passes, whatever the user adds: its defaults must never make the JVM refuse
 * to start (an initial heap over a small {@code -Xmx}, two collectors). The script runs in a copy of the layout it
 * expects, with a {@code java} on the PATH that prints its arguments.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LauncherOptionsTest {

  /** In the table: the launcher's collector default, its heap defaults and its native-heap trimming. */
  private static final String SERIAL = "-XX:+UseSerialGC";
  private static final String HEAP = "-Xms64m -Xmx512m -Xmn32m";
  private static final String TRIM = "-XX:TrimNativeHeapInterval=5000";

  @TempDir
  Path dir;

  @BeforeEach
  void layout() throws IOException {
    Path script = dir.resolve("switchboard.sh");
    Files.copy(launcher(), script, StandardCopyOption.COPY_ATTRIBUTES);
    Files.createDirectories(dir.resolve("deploy/target"));
    Files.createFile(dir.resolve("deploy/target/switchboard.jar"));
    Path java = Files.createDirectories(dir.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** The repository's switchboard.sh, found upwards from where the test runs (the module under Maven). */
  private static Path launcher() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("switchboard.sh"))) {
        return dir.resolve("switchboard.sh");
      }
    }
    throw new IllegalStateException("no switchboard.sh above " + System.getProperty("user.dir"));
  }

  @ParameterizedTest(name = "{0}=\"{1}\"")
  @DisplayName("the user's heap, collector and trimming options replace the defaults, anything else is added after "
      + "them, and a real JVM starts with the result")
  @CsvSource(delimiter = '|', value = {
      "JAVA_OPTS         |                                      | SERIAL HEAP TRIM",
      "JAVA_OPTS         | -Dx=1                                | SERIAL HEAP TRIM -Dx=1",
      "JAVA_OPTS         | -Xmx32m                              | SERIAL TRIM -Xmx32m",
      "JAVA_OPTS         | -XX:MaxRAMPercentage=75              | SERIAL TRIM -XX:MaxRAMPercentage=75",
      "JAVA_OPTS         | -Xmx1g\t-XX:+UseG1GC                 | TRIM -Xmx1g -XX:+UseG1GC",
      "JAVA_OPTS         | -XX:+UseNUMA -XX:+DisableExplicitGC  | SERIAL HEAP TRIM -XX:+UseNUMA -XX:+DisableExplicitGC",
      "JAVA_OPTS         | -XX:+UseAdaptiveSizePolicyWithSystemGC | SERIAL HEAP TRIM -XX:+UseAdaptiveSizePolicyWithSystemGC",
      "JAVA_OPTS         | -XX:-UseSerialGC                     | HEAP TRIM -XX:-UseSerialGC",
      "JAVA_OPTS         | -Xmn256m                             | SERIAL TRIM -Xmn256m",
      "JAVA_OPTS         | -XX:NewRatio=2                       | SERIAL TRIM -XX:NewRatio=2",
      "JAVA_OPTS         | -XX:TrimNativeHeapInterval=0         | SERIAL HEAP -XX:TrimNativeHeapInterval=0",
      "JAVA_OPTS         | @jvm.options                         | @jvm.options",
      "JAVA_TOOL_OPTIONS | -XX:+UseZGC                          | HEAP TRIM",
      "JAVA_TOOL_OPTIONS | \"-XX:+UseG1GC\"                      | HEAP TRIM",
      "JAVA_TOOL_OPTIONS | -XX:TrimNativeHeapInterval=0         | SERIAL HEAP",
      "JDK_JAVA_OPTIONS  | -Xms1g                               | SERIAL TRIM",
      "_JAVA_OPTIONS     | -Xmx32m                              | SERIAL TRIM",
  })
  void options(String variable, String value, String expected) throws Exception {
    List<String> options = launcherOptions(variable, value);
    assertThat(options).containsExactly(expected.replace("SERIAL", SERIAL).replace("HEAP", HEAP).replace("TRIM", TRIM)
        .split(" "));

    // The JVM reads the user's variable too: the defaults must not contradict it (two collectors, -Xms over -Xmx).
    Files.writeString(dir.resolve("jvm.options"), "-Xms32m -Xmx48m\n");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(options);
    command.add("-version");
    ProcessBuilder java = new ProcessBuilder(command).directory(dir.toFile());
    setUserOptions(java.environment(), variable, value);
    ChildProcess.Finished finished = ChildProcess.run(java, Duration.ofSeconds(60));
    assertThat(finished.exitValue()).as(finished.output()).isZero();
  }

  /** The JVM options the launcher passes before {@code -jar}, with the user's variable set. */
  private List<String> launcherOptions(String variable, String value) throws Exception {
    ProcessBuilder launch = new ProcessBuilder("bash", dir.resolve("switchboard.sh").toString(), "--roles", "echo");
    setUserOptions(launch.environment(), variable, value);
    launch.environment().put("PATH", dir.resolve("bin") + ":" + launch.environment().get("PATH"));
    ChildProcess.Finished finished = ChildProcess.run(launch, Duration.ofSeconds(60));
    assertThat(finished.exitValue()).as(finished.output()).isZero();
    String printed = finished.output().strip();
    String tail = " -jar " + dir.resolve("deploy/target/switchboard.jar") + " --roles echo";
    assertThat(printed).endsWith(tail);
    String options = printed.substring(0, printed.length() - tail.length()).strip();
    return options.isEmpty() ? List.of() : List.of(options.split(" "));
  }

  private static void setUserOptions(Map<String, String> env, String variable, String value) {
    env.keySet().removeAll(List.of("JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
    env.put(variable, value == null ? "" : value.replace("\\t", "\t"));
  }
}
