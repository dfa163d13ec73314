package dev.switchboard.deploy.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Runs every listener's fuzzer in batches against one running jar and checks after each batch that the process is
 * alive, that a well-formed request to every listener is answered correctly within the probe time, that no ERROR with
 * a stack trace was logged, and that the heap after a full GC is within the slack of its start. An input's own
 * violation (a 5xx, a wedged bridge connection, a wrong echo) is a finding at once; a log finding is traced back to
 * its input by replaying the batch one input at a time.
 */
final class FuzzCampaign {

  /** What to run: inputs per listener (seeded, reproducible), in how many batches, within which budget. */
  record Settings(long seed, int inputsPerListener, int batches, long probeTimeoutMs, int probeAttempts,
                  long heapSlackBytes, Duration budget, Path jar, Path dir, java.util.Set<String> only) { }

  /** A check that failed, with the input that triggered it (regenerate it from seed, listener and index). */
  record Finding(String check, String listener, long index, String input, String hex, String text, String detail) { }

  private record Played(ListenerFuzzer fuzzer, long index, FuzzInput input) { }

  /** How long replaying a batch to find the input behind a log line may take (also: past the budget, at most). */
  private static final long REPLAY_MS = 6_000;

  private final Settings settings;
  private final List<Finding> findings = new ArrayList<>();
  private final Map<String, Map<String, Integer>> outcomes = new LinkedHashMap<>();
  private final Map<String, List<Long>> probeMillis = new TreeMap<>();
  private final Map<String, Long> playNanos = new TreeMap<>();
  private final LogScan logScan = new LogScan();
  private final List<String> logNotes = new ArrayList<>();
  /** ERROR lines without a trace, by signature: the first input that logged one when replayed alone. */
  private final Map<String, String> plainErrorInputs = new TreeMap<>();
  private FuzzTarget target;
  private List<ListenerFuzzer> fuzzers;
  private int starts;
  private long heapBaseline;
  private long heapMax;
  private int batchesChecked;
  private long inputsTried;
  private String stoppedEarly;
  private long startedAt;
  private long cutTraceLines;
  private long unscannedLines;
  private long hardDeadline;
  private long finishedAt;

  FuzzCampaign(Settings settings) {
    this.settings = settings;
  }

  List<Finding> findings() {
    return findings;
  }

  /** The input number {@code index} of a listener; depends only on the seed, the listener and the index. */
  static Random inputRandom(long seed, String listener, long index) {
    return new Random(seed ^ listener.hashCode() * 0x9E3779B97F4A7C15L ^ index * 0xC2B2AE3D27D4EB4FL);
  }

  FuzzCampaign run() throws IOException, InterruptedException {
    startedAt = System.nanoTime();
    long deadline = startedAt + settings.budget().toNanos();
    hardDeadline = deadline + replayNanos();
    try {
      startTarget();
      for (int i = 0; i < 3; i++) {
        probeAll(null, false);
      }
      checkLogs(List.of());
      heapBaseline = target.heapAfterGc();
      heapMax = heapBaseline;
      int perBatch = (settings.inputsPerListener() + settings.batches() - 1) / settings.batches();
      for (int batch = 0; batch < settings.batches() && stoppedEarly == null; batch++) {
        List<Played> played = new ArrayList<>();
        for (ListenerFuzzer fuzzer : fuzzers) {
          if (!settings.only().isEmpty() && !settings.only().contains(fuzzer.name())) {
            continue;
          }
          long from = (long) batch * perBatch;
          long to = Math.min(settings.inputsPerListener(), from + perBatch);
          for (long index = from; index < to; index++) {
            if (System.nanoTime() > deadline) {
              stoppedEarly = "the budget of " + settings.budget().toSeconds() + " s ran out in batch " + batch;
              break;
            }
            FuzzInput input = fuzzer.generate(inputRandom(settings.seed(), fuzzer.name(), index));
            played.add(new Played(fuzzer, index, input));
            long playStart = System.nanoTime();
            playOne(fuzzer, index, input);
            playNanos.merge(fuzzer.name(), System.nanoTime() - playStart, Long::sum);
            if (!target.alive()) {
              break;
            }
          }
          if (!target.alive() || stoppedEarly != null) {
            break;
          }
        }
        checkBatch(played);
      }
    } finally {
      closeTarget();
      finishedAt = System.nanoTime();
    }
    return this;
  }

  private void closeTarget() throws InterruptedException {
    if (target != null) {
      target.close();
      cutTraceLines += target.droppedTraceLines();
      unscannedLines += target.unscannedLines();
    }
  }

  private void startTarget() throws IOException, InterruptedException {
    starts++;
    target = FuzzTarget.start(settings.jar(), settings.dir(), "switchboard-" + starts + ".log", Duration.ofSeconds(60));
    fuzzers = new ArrayList<>(List.of(new HttpFuzzer(target.port("gateway")), new Http2Fuzzer(target.port("gateway")),
        new BridgeFuzzer(target.port("bridge"), target.port("gateway"))));
    for (String framing : List.of("raw", "line", "length", "length-ascii", "fixed")) {
      fuzzers.add(new EchoFuzzer(framing, target.port("echo-" + framing)));
    }
    fuzzers.add(new UdpFuzzer(target.port("udp")));
  }

  private void playOne(ListenerFuzzer fuzzer, long index, FuzzInput input) {
    Outcome outcome;
    try {
      outcome = fuzzer.play(input);
    } catch (IOException e) {
      outcome = Outcome.violation("client I/O error: " + e.getClass().getSimpleName(), "could not play the input: " + e);
    }
    inputsTried++;
    outcomes.computeIfAbsent(fuzzer.name(), k -> new TreeMap<>()).merge(outcome.outcomeClass(), 1, Integer::sum);
    if (outcome.violation() != null) {
      addFinding("answer", fuzzer, index, input, outcome.violation());
    }
  }

  private void addFinding(String check, ListenerFuzzer fuzzer, long index, FuzzInput input, String detail) {
    findings.add(new Finding(check, fuzzer == null ? "-" : fuzzer.name(), index, input == null ? "-" : input.describe(),
        input == null ? "-" : input.hex(96), input == null ? "-" : input.preview(160), detail));
  }

  private void checkBatch(List<Played> played) throws IOException, InterruptedException {
    batchesChecked++;
    Played last = played.isEmpty() ? null : played.get(played.size() - 1);
    if (!target.alive()) {
      addFinding("process alive", last == null ? null : last.fuzzer(), last == null ? -1 : last.index(),
          last == null ? null : last.input(), "the process exited during the batch (its log: " + target.logFile() + ")");
      checkLogs(played);
      closeTarget();
      startTarget();
      return;
    }
    probeAll(last, true);
    checkLogs(played);
    long heap = target.heapAfterGc();
    heapMax = Math.max(heapMax, heap);
    if (heap - heapBaseline > settings.heapSlackBytes()) {
      addFinding("heap after GC", last == null ? null : last.fuzzer(), last == null ? -1 : last.index(),
          last == null ? null : last.input(), "heap after GC " + heap / 1024 / 1024 + " MB, " + (heap - heapBaseline) / 1024 / 1024
          + " MB over the start (" + heapBaseline / 1024 / 1024 + " MB)");
    }
  }

  /** Every listener's well-formed request, with a fresh connection per attempt; a failure after all attempts is a finding. */
  private void probeAll(Played after, boolean record) {
    for (ListenerFuzzer fuzzer : fuzzers) {
      List<String> failures = new ArrayList<>();
      for (int attempt = 0; attempt < settings.probeAttempts(); attempt++) {
        long start = System.nanoTime();
        String failure;
        try {
          failure = fuzzer.probe(settings.probeTimeoutMs());
        } catch (IOException e) {
          failure = e.toString();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (record) {
          probeMillis.computeIfAbsent(fuzzer.name(), k -> new ArrayList<>()).add(ms);
        }
        if (failure == null) {
          break;
        }
        failures.add(failure);
      }
      if (record && failures.size() == settings.probeAttempts()) {
        addFinding("well-formed request within " + settings.probeTimeoutMs() + " ms", fuzzer, after == null ? -1 : after.index(),
            after == null ? null : after.input(), "after the batch ending with " + (after == null ? "-" : after.fuzzer().name())
            + ": " + String.join("; ", failures));
      }
    }
  }

  /**
   * New ERROR lines with a trace, grouped by signature (logger, message and exception): each signature is traced back
   * to the first input of the batch that logs it again when replayed alone, within {@link #REPLAY_MS}.
   */
  private void checkLogs(List<Played> played) throws IOException, InterruptedException {
    List<LogScan.Problem> problems = logScan.scan(target.newLines());
    problems.stream().filter(p -> !p.failure() && !p.plainError()).forEach(p -> logNotes.add(p.summary()));
    Map<String, List<LogScan.Problem>> open = new LinkedHashMap<>();
    problems.stream().filter(p -> p.failure() || p.plainError() && !plainErrorInputs.containsKey(p.signature()))
        .forEach(p -> open.computeIfAbsent(p.signature(), k -> new ArrayList<>()).add(p));
    if (open.isEmpty()) {
      return;
    }
    Set<String> suspects = new HashSet<>();
    open.values().stream().filter(list -> list.get(0).failure()).forEach(list -> suspects.addAll(list.get(0).suspects()));
    List<Played> order = new ArrayList<>(played);
    order.sort(Comparator.comparing(p -> suspects.isEmpty() || suspects.contains(p.fuzzer().name()) ? 0 : 1));
    long replayDeadline = Math.min(System.nanoTime() + replayNanos(), hardDeadline);
    for (Played p : order) {
      if (open.isEmpty() || !target.alive() || System.nanoTime() > replayDeadline) {
        break;
      }
      try {
        p.fuzzer().play(p.input());
      } catch (IOException e) {
        // the replay only looks for the log lines
      }
      Thread.sleep(30);
      for (LogScan.Problem again : logScan.scan(target.newLines(), false)) {
        List<LogScan.Problem> first = open.remove(again.signature());
        if (first == null) {
          continue;
        }
        if (first.get(0).failure()) {
          addFinding("log", p.fuzzer(), p.index(), p.input(), "ERROR with a stack trace: " + again.signature() + "\n    "
              + first.size() + " time(s) in the batch, first: " + first.get(0).summary() + "\n    replayed alone, this input logs it again");
        } else {
          plainErrorInputs.put(again.signature(), p.fuzzer().name() + " input #" + p.index() + " (" + p.input().describe()
              + "): `" + p.input().preview(120) + "`");
        }
      }
    }
    open.values().stream().filter(list -> list.get(0).failure()).forEach(list -> addFinding("log", null, -1, null,
        "ERROR with a stack trace: " + list.get(0).signature() + "\n    " + list.size() + " time(s) in the batch, first: "
        + list.get(0).summary()
        + "\n    (not reproduced by replaying the batch's inputs one by one within " + replayNanos() / 1_000_000_000
        + " s, those of " + (suspects.isEmpty() ? "every listener" : String.join(", ", new TreeSet<>(suspects))) + " first)"));
  }

  /** How long a batch's replay may take: REPLAY_MS, or a fiftieth of a long run's budget. */
  private long replayNanos() {
    return Math.max(REPLAY_MS * 1_000_000, settings.budget().toNanos() / 50);
  }

  /** The figures and findings in Markdown, for docs/robustness.md. */
  String report() {
    StringBuilder md = new StringBuilder();
    md.append("Seed ").append(settings.seed()).append(", ").append(settings.inputsPerListener()).append(" inputs per listener in ")
        .append(settings.batches()).append(" batches; ").append(inputsTried).append(" inputs played in ")
        .append((finishedAt - startedAt) / 1_000_000_000).append(" s; ").append(batchesChecked).append(" batch checks; ")
        .append(starts).append(" process start(s).").append(stoppedEarly == null ? "" : " Stopped early: " + stoppedEarly + ".")
        .append("\n\n| listener | outcome | inputs |\n|---|---|---:|\n");
    outcomes.forEach((listener, classes) -> classes.forEach((cls, n) ->
        md.append("| ").append(listener).append(" | ").append(cls.replace("|", "\\|")).append(" | ").append(n).append(" |\n")));
    md.append("\n| listener | inputs | seconds playing them |\n|---|---:|---:|\n");
    outcomes.forEach((listener, classes) -> md.append("| ").append(listener).append(" | ")
        .append(classes.values().stream().mapToInt(Integer::intValue).sum()).append(" | ")
        .append(String.format("%.1f", playNanos.getOrDefault(listener, 0L) / 1e9)).append(" |\n"));
    md.append("\n| listener | probes | median ms | max ms | over ").append(settings.probeTimeoutMs()).append(" ms |\n|---|---:|---:|---:|---:|\n");
    probeMillis.forEach((listener, ms) -> {
      List<Long> sorted = ms.stream().sorted().toList();
      md.append("| ").append(listener).append(" | ").append(sorted.size()).append(" | ").append(sorted.get(sorted.size() / 2))
          .append(" | ").append(sorted.get(sorted.size() - 1)).append(" | ")
          .append(sorted.stream().filter(m -> m > settings.probeTimeoutMs()).count()).append(" |\n");
    });
    md.append("\nHeap after GC: ").append(heapBaseline / 1024 / 1024).append(" MB at the start, at most ")
        .append(heapMax / 1024 / 1024).append(" MB after a batch (slack ").append(settings.heapSlackBytes() / 1024 / 1024)
        .append(" MB). Log: ").append(logScan.errorLines).append(" ERROR lines, ").append(logScan.warnLines)
        .append(" WARN lines, ").append(logNotes.size()).append(" WARN lines with a stack trace; ").append(cutTraceLines)
        .append(" trace lines cut (over ").append(FuzzTarget.TRACE_LINES).append(" per event), ").append(unscannedLines)
        .append(" lines not scanned (queue full).\n");
    if (!logScan.plainErrors.isEmpty()) {
      md.append("\nERROR lines without a stack trace, by logger and message:\n\n| ERROR line | count |\n|---|---:|\n");
      logScan.plainErrors.forEach((signature, n) -> md.append("| ").append(signature.replace("|", "\\|")).append(" | ")
          .append(n).append(" |\n"));
      if (!plainErrorInputs.isEmpty()) {
        md.append("\nInputs that log them again when replayed alone:\n\n");
        plainErrorInputs.forEach((signature, input) -> md.append("- ").append(signature).append(": ").append(input).append('\n'));
      }
    }
    if (!logNotes.isEmpty()) {
      md.append("\nWARN lines with a stack trace (first ").append(Math.min(5, logNotes.size())).append("):\n\n```\n");
      logNotes.stream().limit(5).forEach(n -> md.append(n).append('\n'));
      md.append("```\n");
    }
    md.append("\n").append(findingsReport());
    return md.toString();
  }

  /** The findings grouped by check, listener and symptom, each with its first input. */
  String findingsReport() {
    if (findings.isEmpty()) {
      return "No findings.\n";
    }
    Map<String, List<Finding>> groups = new LinkedHashMap<>();
    for (Finding f : findings) {
      String symptom = f.detail().replaceFirst(" — .*", "").replaceAll("[0-9]+", "N").lines().findFirst().orElse("");
      symptom = symptom.length() > 140 ? symptom.substring(0, 140) : symptom;
      groups.computeIfAbsent(f.check() + " | " + f.listener() + " | " + symptom, k -> new ArrayList<>()).add(f);
    }
    StringBuilder md = new StringBuilder("Findings (" + findings.size() + ", in " + groups.size() + " groups; replay with seed "
        + settings.seed() + " and the listener's input index):\n\n");
    groups.forEach((key, list) -> {
      Finding f = list.get(0);
      md.append("- **").append(f.check()).append("** on `").append(f.listener()).append("`, ").append(list.size())
          .append(" time(s); first: input #").append(f.index()).append(" (").append(f.input()).append(")\n")
          .append("  - symptom: ").append(f.detail().replace("\n", "\n    ")).append("\n")
          .append("  - input hex: `").append(f.hex()).append("`\n")
          .append("  - as text: `").append(f.text()).append("`\n");
    });
    return md.toString();
  }
}
