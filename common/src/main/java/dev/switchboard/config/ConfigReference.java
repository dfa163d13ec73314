package dev.switchboard.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every configuration key with its default and meaning, as the readers state them ({@link KeyDoc}): the source of
 * README's configuration table, docs/cluster.md's and the example file {@code deploy/config/switchboard.yaml}, so that
 * none of them can drift from the code (ConfigReferenceTest compares them).
 *
 * <p>It is collected by reading a configuration that has one entry in each list, so that the keys of a list's entries
 * are read too; the values recorded are the readers' defaults, never that configuration's.
 */
public final class ConfigReference {

  private static final String EXAMPLE_HEADER = """
      # Switchboard configuration: every key, at its default.
      # Generated from the keys' descriptions in common/src/main/java/dev/switchboard/config (ConfigReference);
      # ConfigReferenceTest fails when this file, README's table or docs/cluster.md's differ from them.
      #
      # Start with:   java -jar deploy/target/switchboard.jar --config deploy/config/switchboard.yaml
      # Any key can be overridden without editing this file, by (highest first):
      #   a flag (--roles, --instances), a system property (-Dswitchboard.gateway.port=9090),
      #   an environment variable (SWITCHBOARD_GATEWAY_PORT=9090; list entries by index: SWITCHBOARD_ECHO_LISTENERS_0_PORT).
      # Unknown keys, out-of-range values and malformed durations stop start-up with a message naming the key.
      # Durations take a unit: 250ms, 30s, 5m, 1h; 0 turns a timeout off. A key commented out, its default in
      # parentheses, has no one default value (it is computed at start-up, or taken from another key): set it to
      # override that.
      """;
  private static final Map<String, Object> ONE_OF_EACH_LIST = Map.of(
      "gateway", Map.of("routes", List.of(Map.of("prefix", "/x", "address", "x"))));
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9/][A-Za-z0-9_./:-]*");
  private static final Set<String> YAML_WORDS = Set.of("true", "false", "yes", "no", "on", "off", "y", "n", "null");
  private static final int COMMENT_WIDTH = 116;

  enum Kind { VALUE, SECTION, LIST }

  /** One key, section or list, in the order the readers read them. */
  record Entry(String key, Kind kind, Object defaultValue, KeyDoc doc, int defaultCount) {

    String[] path() {
      return key.split("\\.");
    }
  }

  private final List<Entry> entries = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();

  /** The reference of this build's readers. */
  public static ConfigReference collect() {
    ConfigReference reference = new ConfigReference();
    SwitchboardConfig.read(new ConfigNode("", ONE_OF_EACH_LIST, "reference", OverrideSource.none(),
        new EffectiveConfig(), reference));
    return reference;
  }

  void value(String key, Object defaultValue, KeyDoc doc) {
    add(new Entry(key, Kind.VALUE, defaultValue, doc, 0));
  }

  void section(String key, KeyDoc doc) {
    add(new Entry(key, Kind.SECTION, null, doc, 0));
  }

  void list(String key, int defaultCount, KeyDoc doc) {
    add(new Entry(key, Kind.LIST, null, doc, defaultCount));
  }

  private void add(Entry entry) {
    if (seen.add(entry.key())) {
      entries.add(entry);
    }
  }

  /**
   * The rows of a {@code | key | default | meaning |} table for the keys under {@code prefix}; a section named in
   * {@code elsewhere} is one row pointing to where it is described, in place of its keys.
   */
  public String markdownTable(String prefix, Set<String> elsewhere) {
    StringBuilder out = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
    String skipping = null;
    for (Entry entry : entries) {
      if (!entry.key().startsWith(prefix) || skipping != null && entry.key().startsWith(skipping)) {
        continue;
      }
      skipping = null;
      if (elsewhere.contains(entry.key())) {
        skipping = entry.key() + ".";
        row(out, "`" + entry.key() + ".*`", entry.doc().shownDefault(), entry.doc().meaning());
      } else if (entry.kind() != Kind.SECTION) {
        row(out, "`" + shownKey(entry.key()) + "`", markdownDefault(entry), entry.doc().meaning());
      }
    }
    return out.toString();
  }

  private static void row(StringBuilder out, String key, String defaultValue, String meaning) {
    out.append("| ").append(key).append(" | ").append(defaultValue).append(" | ").append(meaning).append(" |\n");
  }

  /** {@code echo.listeners.0.port} as the docs write it: {@code echo.listeners[i].port}. */
  private static String shownKey(String key) {
    return key.replaceAll("\\.\\d+(\\.|$)", "[i]$1");
  }

  private static String markdownDefault(Entry entry) {
    if (entry.doc().shownDefault() != null) {
      return entry.doc().shownDefault();
    }
    Object value = entry.defaultValue();
    if (value instanceof String text) {
      return text.isEmpty() ? "empty" : "`" + text + "`";  // as a value, without YAML's quotes
    }
    return "`" + yaml(value) + "`";
  }

  /**
   * The example file: every key at its default, each with its meaning as a comment above it. A key without one
   * default value is written commented out, and so is a list that is empty by default, as an example entry.
   */
  public String exampleYaml() {
    StringBuilder out = new StringBuilder(EXAMPLE_HEADER);
    String[] previous = new String[0];
    String emptyList = null;
    for (Entry entry : entries) {
      String[] path = entry.path();
      String indent = "  ".repeat(path.length - 1);
      boolean firstOfItem = path.length > 1 && path[path.length - 2].matches("\\d+") && !sameItem(previous, path);
      previous = path;
      if (emptyList != null && entry.key().startsWith(emptyList)) {
        String listIndent = indent.substring(4);
        out.append(listIndent).append("# ").append(firstOfItem ? "- " : "  ").append(line(entry, path))
            .append("  # ").append(plain(entry.doc().meaning())).append('\n');
        continue;
      }
      emptyList = null;
      if (path.length == 1) {
        out.append('\n');
      }
      if (entry.doc() != null) {
        comment(out, indent, plain(entry.doc().meaning()));
      }
      String lead = firstOfItem ? indent.substring(2) + "- " : indent;
      boolean noOneValue = entry.kind() == Kind.VALUE && entry.doc().shownDefault() != null;
      out.append(lead).append(noOneValue ? "# " : "").append(line(entry, path)).append('\n');
      if (entry.kind() == Kind.LIST && entry.defaultCount() == 0) {
        emptyList = entry.key() + ".";
      }
    }
    return out.toString();
  }

  private static String line(Entry entry, String[] path) {
    String name = path[path.length - 1];
    return switch (entry.kind()) {
      case SECTION -> name + ":";
      case LIST -> name + (entry.defaultCount() == 0 ? ": []" : ":");
      case VALUE -> name + ": " + (entry.doc().shownDefault() != null
          ? "(" + plain(entry.doc().shownDefault()) + ")" : yaml(entry.defaultValue()));
    };
  }

  private static boolean sameItem(String[] previous, String[] path) {
    int item = path.length - 2;
    if (previous.length <= item) {
      return false;
    }
    for (int i = 0; i <= item; i++) {
      if (!previous[i].equals(path[i])) {
        return false;
      }
    }
    return true;
  }

  private static void comment(StringBuilder out, String indent, String text) {
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && indent.length() + 2 + line.length() + 1 + word.length() > COMMENT_WIDTH) {
        out.append(indent).append("# ").append(line).append('\n');
        line.setLength(0);
      }
      line.append(line.length() > 0 ? " " : "").append(word);
    }
    out.append(indent).append("# ").append(line).append('\n');
  }

  /** Markdown as plain text: code spans unquoted, links as {@code text (target)}, a link within README as its text. */
  private static String plain(String markdown) {
    return markdown.replaceAll("\\[([^]]+)]\\(#[^)]+\\)", "$1").replaceAll("\\[([^]]+)]\\(([^)]+)\\)", "$1 ($2)")
        .replace("`", "");
  }

  /** A default as YAML writes it. */
  static String yaml(Object value) {
    if (value instanceof Duration duration) {
      // As people write them: 60s rather than 1m, and minutes from 2m on.
      return duration.getSeconds() < 120 && duration.toMillis() % 1000 == 0 && !duration.isZero()
          ? duration.getSeconds() + "s" : EffectiveConfig.durationText(duration);
    }
    if (value instanceof List<?> list) {
      return "[" + String.join(", ", list.stream().map(item -> quoted(String.valueOf(item))).toList()) + "]";
    }
    if (value instanceof String text) {
      boolean plain = PLAIN.matcher(text).matches() && !YAML_WORDS.contains(text.toLowerCase(Locale.ROOT))
          && !text.matches("[0-9.:]+") || text.matches("\\d+(\\.\\d+){3}");
      return plain ? text : quoted(text);
    }
    return String.valueOf(value);
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
        .replace("\t", "\\t") + "\"";
  }
}
