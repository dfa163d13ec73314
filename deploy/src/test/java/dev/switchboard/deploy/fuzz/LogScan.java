package dev.switchboard.deploy.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads new log lines for ERROR lines followed by a stack trace, and for fatal JVM errors anywhere. */
final class LogScan {

  private static final Pattern EVENT = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\S+ +[A-Z]+ ");
  private static final Pattern EXCEPTION = Pattern.compile("([\\w$]+\\.)+[\\w$]*(Exception|Error)\\b");
  private static final Pattern TRACE = Pattern.compile("^(\\s+at |\\s*Caused by: |\\s+\\.\\.\\. \\d+ more|[\\w.$]+(Exception|Error)(: |$))");

  /**
   * A logged event worth reporting: an ERROR (or fatal) event with its trace is a failure; a WARN with a trace and an
   * ERROR without one are notes.
   */
  record Problem(String line, List<String> trace, boolean failure) {

    boolean plainError() {
      return !failure && trace.isEmpty();
    }
    /** The logger and the exception class (or the message): the same fault gives the same signature. */
    String signature() {
      String event = line.replaceFirst("^\\S+ +[A-Z]+ +\\[[^]]*\\] ", "");
      String logger = event.replaceFirst(" - .*", "");
      String message = event.replaceFirst("^[^ ]* - ", "");
      String exception = firstException(message);
      if (exception == null && !trace.isEmpty()) {
        exception = firstException(trace.get(0));
      }
      return logger + " " + (exception != null ? exception : message.replaceAll("[0-9]+", "N"));
    }

    private static String firstException(String text) {
      Matcher m = EXCEPTION.matcher(text);
      return m.find() ? m.group() : null;
    }

    /** The listeners whose inputs most likely logged this, by the words in the line and its trace; empty = any. */
    List<String> suspects() {
      String text = (line + " " + String.join(" ", trace)).toLowerCase(java.util.Locale.ROOT);
      if (text.contains("bridge")) {
        return List.of("bridge");
      }
      if (text.contains("echo") || text.contains("framing")) {
        return List.of("echo-raw", "echo-line", "echo-length", "echo-length-ascii", "echo-fixed");
      }
      if (text.contains("http2") || text.contains("settings") || text.contains("stream id") || text.contains("frame length")) {
        return List.of("h2c", "http1");
      }
      if (text.contains("http") || text.contains("router") || text.contains("gateway") || text.contains("connectionbase")) {
        return List.of("http1", "h2c");
      }
      return List.of();
    }

    String summary() {
      return line + (trace.isEmpty() ? "" : "\n    " + String.join("\n    ", trace.subList(0, Math.min(6, trace.size()))));
    }
  }

  int errorLines;
  int warnLines;
  /** ERROR lines without a trace, by signature: not a failure of the check, but worth a look. */
  final java.util.Map<String, Integer> plainErrors = new java.util.TreeMap<>();

  /** The problems among the lines: ERROR events that carry a trace, and any StackOverflowError or OutOfMemoryError. */
  List<Problem> scan(List<String> lines) {
    return scan(lines, true);
  }

  /** As {@link #scan(List)}; {@code count} false leaves the figures alone (lines logged again by a replay). */
  List<Problem> scan(List<String> lines, boolean count) {
    List<Problem> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      boolean event = EVENT.matcher(line).find();
      if (count && event && line.contains(" WARN ")) {
        warnLines++;
      }
      boolean error = event && line.contains(" ERROR ");
      boolean warn = event && line.contains(" WARN ");
      boolean fatal = line.contains("StackOverflowError") || line.contains("OutOfMemoryError");
      if (!error && !warn && !(fatal && event)) {
        if (fatal && (i == 0 || !TRACE.matcher(line).find())) {
          problems.add(new Problem(line, List.of(), true));
        }
        continue;
      }
      if (count && error) {
        errorLines++;
      }
      List<String> trace = new ArrayList<>();
      for (int j = i + 1; j < lines.size() && !EVENT.matcher(lines.get(j)).find(); j++) {
        if (TRACE.matcher(lines.get(j)).find()) {
          trace.add(lines.get(j));
        }
      }
      if (!trace.isEmpty() || fatal) {
        problems.add(new Problem(line, trace, error || fatal));
      } else if (error) {
        Problem plain = new Problem(line, trace, false);
        problems.add(plain);
        if (count) {
          plainErrors.merge(plain.signature(), 1, Integer::sum);
        }
      }
    }
    return problems;
  }
}
