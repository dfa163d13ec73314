package dev.switchboard.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping of the configuration tree, read key by key with a default for each key. A value comes from the
 * overrides first (flags, system properties, environment), then from the file, then from the default. Every read
 * is checked and converted here, so every error names the full key, the bad value and where it came from.
 * {@link #finish()} then rejects the keys of the file that nothing read.
 */
public final class ConfigNode {

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  private final String path;
  private final Map<?, ?> values;
  private final String fileOrigin;
  private final OverrideSource overrides;
  private final EffectiveConfig effective;
  private final ConfigReference reference;
  private final Set<String> read = new HashSet<>();

  private record Raw(Object value, String origin) {
  }

  /** @param reference collects every key's default and description while the readers read, or null */
  ConfigNode(String path, Map<?, ?> values, String fileOrigin, OverrideSource overrides, EffectiveConfig effective,
             ConfigReference reference) {
    this.effective = effective;
    this.reference = reference;
    this.path = path;
    this.values = values;
    this.fileOrigin = fileOrigin;
    this.overrides = overrides;
  }

  /** The full key of a child key, e.g. {@code echo.listeners.0.port}. */
  public String keyOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private Optional<Raw> raw(String key, Object defaultValue, KeyDoc doc) {
    return raw(key, false, defaultValue, doc);
  }

  private Optional<Raw> raw(String key, boolean port, Object defaultValue, KeyDoc doc) {
    read.add(key);
    if (reference != null) {
      reference.value(keyOf(key), defaultValue, doc);
    }
    Optional<OverrideSource.Value> override = overrides.lookup(keyOf(key), port);
    if (override.isPresent()) {
      return Optional.of(new Raw(override.get().text().trim(), override.get().origin()));
    }
    Object value = values.get(key);
    return value == null ? Optional.empty() : Optional.of(new Raw(value, fileOrigin));
  }

  /** Notes the value a key took, and where it came from, in the {@link EffectiveConfig}; returns the value. */
  private <T> T took(String key, Optional<Raw> found, T value, Object shown) {
    effective.record(keyOf(key), shown, found.map(r -> r.origin() == fileOrigin ? "file " + fileOrigin : r.origin())
        .orElse("default"));
    return value;
  }

  private <T> T took(String key, Optional<Raw> found, T value) {
    return took(key, found, value, value);
  }

  private ConfigException invalid(String key, Raw raw, String why) {
    return new ConfigException("config key " + keyOf(key) + " = " + raw.value() + " (from " + raw.origin() + "): " + why);
  }

  public String string(String key, String defaultValue, KeyDoc doc) {
    Optional<Raw> found = raw(key, defaultValue, doc);
    return took(key, found, found.map(r -> {
      if (r.value() instanceof Map || r.value() instanceof List) {
        throw invalid(key, r, "expected a single value");
      }
      return r.value().toString();
    }).orElse(defaultValue));
  }

  public int integer(String key, int defaultValue, int min, int max, KeyDoc doc) {
    return (int) longInteger(key, defaultValue, min, max, doc);
  }

  /** A whole number that may pass {@code Integer.MAX_VALUE}, such as a byte count of the heap. */
  public long longInteger(String key, long defaultValue, long min, long max, KeyDoc doc) {
    Optional<Raw> found = raw(key, defaultValue, doc);
    return took(key, found, wholeNumber(key, found, defaultValue, min, max));
  }

  private long wholeNumber(String key, Optional<Raw> found, long defaultValue, long min, long max) {
    if (found.isEmpty()) {
      return defaultValue;
    }
    Raw r = found.get();
    long value;
    if (r.value() instanceof Integer || r.value() instanceof Long) {
      value = ((Number) r.value()).longValue();
    } else if (r.value() instanceof String s && s.matches("-?\\d{1,18}")) {
      value = Long.parseLong(s);
    } else {
      throw invalid(key, r, "expected a whole number");
    }
    if (value < min || value > max) {
      throw invalid(key, r, "must be between " + min + " and " + max);
    }
    return value;
  }

  /** A port; in the environment, a Kubernetes service link such as {@code tcp://10.0.0.1:80} is passed over. */
  public int port(String key, int defaultValue, KeyDoc doc) {
    Optional<Raw> found = raw(key, true, defaultValue, doc);
    return took(key, found, (int) wholeNumber(key, found, defaultValue, 0, 65535));
  }

  public boolean bool(String key, boolean defaultValue, KeyDoc doc) {
    Optional<Raw> found = raw(key, defaultValue, doc);
    return took(key, found, found.map(r -> {
      String text = r.value().toString().toLowerCase(Locale.ROOT);
      if (text.equals("true") || text.equals("false")) {
        return Boolean.parseBoolean(text);
      }
      throw invalid(key, r, "expected true or false");
    }).orElse(defaultValue));
  }

  /** A non-negative duration written with a unit: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}; {@code 0} turns the timeout off. */
  public Duration duration(String key, Duration defaultValue, KeyDoc doc) {
    Optional<Raw> found = raw(key, defaultValue, doc);
    return took(key, found, found.map(r -> {
      String text = r.value().toString().trim();
      if (text.equals("0")) {
        return Duration.ZERO;
      }
      if (text.startsWith("-")) {
        throw invalid(key, r, "must not be negative");
      }
      Matcher m = DURATION.matcher(text);
      if (!m.matches()) {
        throw invalid(key, r, "expected a duration with a unit such as 250ms, 30s, 5m or 1h (0 turns it off)");
      }
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }).orElse(defaultValue));
  }

  /** One of a closed set of words, e.g. a framing name. */
  public <T> T choice(String key, T defaultValue, Map<String, T> options, KeyDoc doc) {
    Optional<Raw> found = raw(key, wordOf(defaultValue, options), doc);
    T chosen = found.map(r -> {
      T value = options.get(r.value().toString());
      if (value == null) {
        String expected = "expected one of " + String.join(", ", options.keySet().stream().sorted().toList());
        throw invalid(key, r, r.value() instanceof Boolean
            ? expected + " (YAML reads unquoted on, off, yes and no as true or false: quote the word)" : expected);
      }
      return value;
    }).orElse(defaultValue);
    return took(key, found, chosen, wordOf(chosen, options));
  }

  private static <T> String wordOf(T value, Map<String, T> options) {
    return options.entrySet().stream().filter(e -> e.getValue().equals(value)).map(Map.Entry::getKey)
        .findFirst().orElse(String.valueOf(value));
  }

  /** A list of words: a YAML/JSON list in the file, or comma-separated text in an override. */
  public List<String> strings(String key, List<String> defaultValue, KeyDoc doc) {
    Optional<Raw> found = raw(key, defaultValue, doc);
    return took(key, found, found.map(r -> {
      if (r.value() instanceof List<?> list) {
        return list.stream().map(String::valueOf).map(String::trim).toList();
      }
      if (r.value() instanceof Map) {
        throw invalid(key, r, "expected a list");
      }
      return Arrays.stream(r.value().toString().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }).orElse(defaultValue));
  }

  /** A nested mapping; absent means every key inside takes its default. */
  public ConfigNode child(String key) {
    return child(key, null);
  }

  /** As {@link #child(String)}, with what the reference says of the mapping as a whole. */
  public ConfigNode child(String key, KeyDoc doc) {
    read.add(key);
    if (reference != null) {
      reference.section(keyOf(key), doc);
    }
    Object value = values.get(key);
    if (value != null && !(value instanceof Map)) {
      throw new ConfigException("config key " + keyOf(key) + " (from " + fileOrigin + "): expected a mapping of keys");
    }
    return new ConfigNode(keyOf(key), value == null ? Map.of() : (Map<?, ?>) value, fileOrigin, overrides, effective,
        reference);
  }

  /**
   * A list of mappings, such as listeners; absent means {@code defaultCount} entries that take every default.
   * Entries are addressed by index in overrides: {@code SWITCHBOARD_ECHO_LISTENERS_0_PORT}.
   */
  public List<ConfigNode> children(String key, int defaultCount, KeyDoc doc) {
    read.add(key);
    if (reference != null) {
      reference.list(keyOf(key), defaultCount, doc);
    }
    Object value = values.get(key);
    List<ConfigNode> nodes = new ArrayList<>();
    if (value == null) {
      for (int i = 0; i < defaultCount; i++) {
        nodes.add(new ConfigNode(keyOf(key) + "." + i, Map.of(), fileOrigin, overrides, effective, reference));
      }
      return nodes;
    }
    if (!(value instanceof List<?> list)) {
      throw new ConfigException("config key " + keyOf(key) + " (from " + fileOrigin + "): expected a list of mappings");
    }
    for (int i = 0; i < list.size(); i++) {
      Object entry = list.get(i);
      if (!(entry instanceof Map<?, ?> map)) {
        throw new ConfigException("config key " + keyOf(key) + "." + i + " (from " + fileOrigin + "): expected a mapping of keys");
      }
      nodes.add(new ConfigNode(keyOf(key) + "." + i, map, fileOrigin, overrides, effective, reference));
    }
    return nodes;
  }

  /** Rejects any key of the file under this node that no read asked for. */
  public void finish() {
    for (Object key : values.keySet()) {
      if (!read.contains(String.valueOf(key))) {
        throw new ConfigException("unknown config key " + keyOf(String.valueOf(key)) + " (in " + fileOrigin + ")");
      }
    }
  }

  /** A check across keys failed, e.g. two listeners on one port. */
  public ConfigException conflict(String key, String why) {
    return new ConfigException("config key " + keyOf(key) + ": " + why);
  }
}
