package dev.switchboard.config;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every key read while loading a configuration, with the value it took and where that value came from:
 * {@code default}, {@code file PATH}, {@code environment variable NAME}, {@code system property NAME} or
 * {@code command-line flag}. It is what {@code --check-config} prints, and what a reload compares.
 */
public final class EffectiveConfig {

  /** One key's value as text, and its origin. */
  public record Entry(String value, String origin) {
  }

  private final Map<String, Entry> entries = new TreeMap<>();

  void record(String key, Object value, String origin) {
    entries.put(key, new Entry(secret(key) && value != null && !value.toString().isEmpty() ? "(set, not shown)"
        : text(value), origin));
  }

  /** Key to entry, sorted by key. */
  public Map<String, Entry> entries() {
    return Collections.unmodifiableMap(entries);
  }

  /** The keys whose value differs between this configuration and another (or that only one of them has). */
  public Set<String> changedFrom(EffectiveConfig other) {
    Set<String> changed = new TreeSet<>();
    Set<String> keys = new TreeSet<>(entries.keySet());
    keys.addAll(other.entries.keySet());
    for (String key : keys) {
      Entry mine = entries.get(key);
      Entry theirs = other.entries.get(key);
      if (mine == null || theirs == null || !mine.value().equals(theirs.value())) {
        changed.add(key);
      }
    }
    return changed;
  }

  /** One line per key: {@code key = value  (origin)}. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    entries.forEach((key, entry) -> out.append(key).append(" = ").append(entry.value())
        .append("  (").append(entry.origin()).append(")\n"));
    return out.toString();
  }

  private static boolean secret(String key) {
    String last = key.substring(key.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
    return last.contains("token") || last.contains("password");
  }

  private static String text(Object value) {
    if (value == null) {
      return "(none)";
    }
    if (value instanceof String text && text.isEmpty()) {
      return "\"\"";
    }
    if (value instanceof Duration d) {
      return durationText(d);
    }
    if (value instanceof List<?> list) {
      return list.isEmpty() ? "(none)" : String.join(",", list.stream().map(String::valueOf).toList());
    }
    return value.toString();
  }

  /** As written in a configuration: {@code 0}, {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}. */
  static String durationText(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
