package dev.switchboard.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The assembled jar run as a separate JVM, as a user runs it, with its output read line by line. */
final class RunningJar implements AutoCloseable {

  private static final String END = "\u0000end";

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();

  private RunningJar(Process process) {
    this.process = process;
    Thread reader = new Thread(() -> pump(process.getInputStream()), "jar-output");
    reader.setDaemon(true);
    reader.start();
  }

  static Path jar() {
    String path = System.getProperty("test.switchboard.jar");
    if (path == null) {
      throw new IllegalStateException("run through failsafe (mvn verify): test.switchboard.jar is not set");
    }
    return Path.of(path);
  }

  /** Starts the jar with the given arguments and extra environment; stderr is merged into the lines read. */
  static RunningJar start(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
    builder.environment().putAll(env);
    return new RunningJar(builder.start());
  }

  /** Starts a command that runs the jar in some other way (in a network namespace, say), with its environment as given. */
  static RunningJar startCommand(List<String> command) throws IOException {
    return start(new ProcessBuilder(command));
  }

  /** Starts a process built elsewhere (its environment set, say); stderr is merged into the lines read. */
  static RunningJar start(ProcessBuilder builder) throws IOException {
    return new RunningJar(builder.redirectErrorStream(true).start());
  }

  private void pump(InputStream in) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      // the process went away; END below tells the waiters
    }
    lines.add(END);
  }

  /** Waits for a line matching the pattern and returns its match; fails with everything seen so far if none comes. */
  Matcher awaitLine(String regex, Duration timeout) throws InterruptedException {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null || line.equals(END)) {
        throw new AssertionError("no line matching " + regex + (line == null ? " within " + timeout : " before exit")
            + "; output was:\n" + String.join("\n", seen));
      }
      seen.add(line);
      Matcher matcher = pattern.matcher(line);
      if (matcher.find()) {
        return matcher;
      }
    }
  }

  /** Every line up to the end of the output, which comes when the process exits. */
  List<String> remainingLines(Duration timeout) throws InterruptedException {
    List<String> rest = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    String line;
    while ((line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) != null && !line.equals(END)) {
      rest.add(line);
      seen.add(line);
    }
    return rest;
  }

  /** Sends SIGTERM. (Process.destroy() would also close our end of its output, losing the last lines.) */
  void terminate() {
    process.toHandle().destroy();
  }

  /** Sends SIGHUP to this process (by its PID): a reload. */
  void hangUp() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -HUP " + process.pid() + " failed");
    }
  }

  /** The exit status, or null if the process is still running after the timeout. */
  Integer awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  long pid() {
    return process.pid();
  }

  /** The process, to reach its descendants (the JVM behind a wrapper). */
  ProcessHandle handle() {
    return process.toHandle();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
