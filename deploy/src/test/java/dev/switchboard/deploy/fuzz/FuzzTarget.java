package dev.switchboard.deploy.fuzz;

import dev.switchboard.testing.ChildProcess;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The assembled jar as a separate JVM with every listener on (five echo framings, UDP, the gateway with h2c, the
 * bridge) on free loopback ports; its output goes to a file that is read line by line from an offset, and its heap is
 * measured with {@code jcmd} on its PID. Killed by PID on close and, failing that, by a shutdown hook.
 */
final class FuzzTarget implements AutoCloseable {

  /** The heap options of switchboard.sh, so the heap figures are those of the real service. */
  static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms64m", "-Xmx512m", "-Xmn32m");
  static final String CONFIG = String.join("\n",
      "roles: [echo, udp, gateway, bridge]",
      "instances: 2",
      "echo:",
      "  listeners:",
      "    - {name: raw, port: 0, framing: raw}",
      "    - {name: line, port: 0, framing: line}",
      "    - {name: length, port: 0, framing: length}",
      "    - {name: length-ascii, port: 0, framing: length-ascii}",
      "    - {name: fixed, port: 0, framing: fixed, fixedBytes: 4}",
      "udp: {port: 0}",
      "gateway:",
      "  port: 0",
      "  limits: {h2c: true}",
      "bridge: {port: 0}",
      "");
  private static final Pattern LISTENER = Pattern.compile("(echo|udp|gateway|bridge) listener (\\S+) \\((?:tcp|udp|http)\\) on 127\\.0\\.0\\.1:(\\d+)$");
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  /** Trace lines kept per logged event; the rest are counted in one line. */
  static final int TRACE_LINES = 40;
  /** Lines waiting to be scanned at most; past it lines are only written to the file (and counted). */
  private static final int QUEUE_LINES = 200_000;

  private final Process process;
  private final Path log;
  private final Thread killer;
  private final Map<String, Integer> ports = new HashMap<>();
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>(QUEUE_LINES);
  private volatile long droppedTraceLines;
  private volatile long unscannedLines;

  private FuzzTarget(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.killer = new Thread(process::destroyForcibly, "fuzz-target-killer");
    Runtime.getRuntime().addShutdownHook(killer);
    Thread pump = new Thread(this::pump, "fuzz-target-output");
    pump.setDaemon(true);
    pump.start();
  }

  private void pump() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      int traceLines = 0;
      long dropped = 0;
      while ((line = in.readLine()) != null) {
        boolean trace = line.startsWith("\t") || line.startsWith(" ") || line.startsWith("Caused by") || line.startsWith("java.");
        traceLines = trace ? traceLines + 1 : 0;
        if (trace && traceLines > TRACE_LINES) {
          dropped++;
          droppedTraceLines++;
          continue;
        }
        if (dropped > 0) {
          String note = "\t... " + dropped + " more trace lines cut by the fuzz harness";
          out.write(note);
          out.newLine();
          dropped = 0;
        }
        out.write(line);
        out.newLine();
        if (!lines.offer(line)) {
          unscannedLines++;
        }
        if (!in.ready()) {
          out.flush();
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
  }

  /** Trace lines of the child's output cut from the log (beyond {@link #TRACE_LINES} per event). */
  long droppedTraceLines() {
    return droppedTraceLines;
  }

  /** Lines that were written to the log but not scanned, the scan queue being full. */
  long unscannedLines() {
    return unscannedLines;
  }

  /** Starts the jar and waits until it logs "started"; the ports are then known by listener name. */
  static FuzzTarget start(Path jar, Path dir, String logName, Duration startTimeout) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path config = dir.resolve("fuzz.yaml");
    Files.writeString(config, CONFIG);
    Path log = dir.resolve(logName);
    Files.deleteIfExists(log);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.addAll(List.of("-jar", jar.toString(), "--config", config.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
    FuzzTarget target = new FuzzTarget(builder.start(), log);
    try {
      target.awaitStarted(startTimeout);
    } catch (RuntimeException | IOException | InterruptedException e) {
      target.close();
      throw e;
    }
    return target;
  }

  private void awaitStarted(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> seen = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      for (String line : newLines()) {
        seen.add(line);
        Matcher m = LISTENER.matcher(line);
        if (m.find()) {
          ports.put(m.group(1).equals("echo") ? "echo-" + m.group(2) : m.group(1), Integer.parseInt(m.group(3)));
        }
        if (line.endsWith(" started")) {
          return;
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("switchboard exited with " + process.exitValue() + ": " + String.join("\n", seen));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("switchboard did not start within " + timeout + ": " + String.join("\n", seen));
  }

  /** The port of a listener: echo-raw, echo-line, echo-length, echo-length-ascii, echo-fixed, udp, gateway, bridge. */
  int port(String listener) {
    Integer port = ports.get(listener);
    if (port == null) {
      throw new IllegalArgumentException("no listener " + listener + " among " + ports);
    }
    return port;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  Path logFile() {
    return log;
  }

  /** The lines logged since the last call. */
  List<String> newLines() {
    List<String> drained = new ArrayList<>();
    lines.drainTo(drained);
    return drained;
  }

  /** Heap in use after a full collection, in bytes: {@code jcmd PID GC.run} then {@code GC.heap_info}, one attach. */
  long heapAfterGc() throws IOException, InterruptedException {
    Path commands = Files.createTempFile(log.getParent(), "jcmd", ".txt");
    Files.writeString(commands, "GC.run\nGC.heap_info\n");
    String text;
    try {
      text = ChildProcess.run(Duration.ofSeconds(20), Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          String.valueOf(pid()), "-f", commands.toString()).output();
    } finally {
      Files.deleteIfExists(commands);
    }
    long usedKb = 0;
    int generations = 0;
    for (String line : text.split("\n")) {
      if (line.contains(" generation ")) {
        Matcher m = USED.matcher(line);
        if (m.find()) {
          usedKb += Long.parseLong(m.group(1));
          generations++;
        }
      }
    }
    if (generations == 0) {
      throw new IOException("no heap figures in jcmd output: " + text);
    }
    return usedKb * 1024;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException e) {
      // already shutting down: the hook kills it
    }
  }
}
