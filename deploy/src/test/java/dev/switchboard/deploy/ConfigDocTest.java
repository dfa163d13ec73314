package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/** The configuration keys that README's tables and docs/cluster.md name are keys the loader reads, with their defaults. */
class ConfigDocTest {

  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  @Test
  @DisplayName("every key in README's configuration and protection tables and in docs/cluster.md is a real key")
  void documentedKeysExist(@TempDir Path dir) throws Exception {
    List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
    List<String> keys = new ArrayList<>();
    keys.addAll(keysOfTable(readme, "| key | default | meaning |", 1, ""));
    keys.addAll(keysOfTable(readme, "| control | key (under `gateway.`) |", 2, "gateway."));
    keys.addAll(keysOfTable(Files.readAllLines(Path.of("..", "docs", "cluster.md")), "| key | default | meaning |", 1, ""));
    assertThat(keys).as("keys found in the docs").hasSizeGreaterThan(80);
    // Overrides of a list's entries are read for the entries the file has: one route, so its keys are read too.
    Path oneRoute = Files.writeString(dir.resolve("one-route.yaml"), "gateway:\n  routes:\n    - {prefix: /x, address: wsgi.x}\n");
    TreeSet<String> unknown = new TreeSet<>();
    for (String key : keys) {
      if (keys.stream().anyMatch(k -> k.startsWith(key + ".0."))) {
        continue;  // a list, such as echo.listeners: set through its entries' keys, which are checked
      }
      // Any value: a key that exists is read (and its value may then be refused); only an unknown key is reported so.
      try {
        ConfigLoader.load(oneRoute, new OverrideSource(Map.of(), Map.of("switchboard." + key, "1"), Map.of()));
      } catch (ConfigException e) {
        if (e.getMessage().startsWith("unknown config key")) {
          unknown.add(key);
        }
      }
    }
    assertThat(unknown).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"README.md", "docs/cluster.md"})
  @DisplayName("the defaults a configuration table gives are those of deploy/config/switchboard.yaml, the defaults")
  void documentedDefaultsHold(String doc) throws Exception {
    // ExampleConfigTest checks that the example file is the defaults; this compares the table with the file.
    Map<String, Object> example = new Yaml().load(Files.readString(Path.of("config", "switchboard.yaml")));
    List<String> lines = Files.readAllLines(Path.of("..").resolve(doc));
    int start = lines.indexOf("| key | default | meaning |") + 2;
    Map<String, String> compared = new TreeMap<>();
    for (int i = start; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      List<String> keys = keysOfRow(lines.get(i), 1, "");
      List<String> defaults = new ArrayList<>();
      Matcher code = CODE.matcher(lines.get(i).split("\\|")[2]);
      while (code.find()) {
        defaults.add(code.group(1).replace("\"", ""));
      }
      // One default per key, in order; a cell that does not give one each (`0` (= `cluster.port`)) is not compared.
      for (int k = 0; k < keys.size() && defaults.size() == keys.size(); k++) {
        Object actual = valueAt(example, keys.get(k));
        if (actual != null && !(actual instanceof Map)) {
          compared.put(keys.get(k), defaults.get(k));
          assertThat(String.valueOf(actual).replace("\n", "\\n")).as(keys.get(k)).isEqualTo(defaults.get(k));
        }
      }
    }
    assertThat(compared).as("defaults compared").hasSizeGreaterThan(10);
  }

  @Test
  @DisplayName("the defaults README's protection table gives (60 s, 10 000, 1 MiB, off) are those of the example file")
  void protectionDefaultsHold() throws Exception {
    Map<String, Object> example = new Yaml().load(Files.readString(Path.of("config", "switchboard.yaml")));
    List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
    int start = -1;
    for (int i = 0; i < readme.size() && start < 0; i++) {
      start = readme.get(i).startsWith("| control | key (under `gateway.`) |") ? i + 2 : -1;
    }
    Map<String, String> compared = new TreeMap<>();
    for (int i = start; i < readme.size() && readme.get(i).startsWith("|"); i++) {
      List<String> keys = keysOfRow(readme.get(i), 2, "gateway.");
      String cell = readme.get(i).split("\\|")[3].trim();
      if (cell.contains("heap") || cell.contains(" x ")) {
        continue;  // a share of the heap, or a product: not one value per key
      }
      List<String> defaults = List.of(cell.split(", "));
      for (int k = 0; k < keys.size(); k++) {
        String documented = defaults.size() == 1 ? defaults.get(0) : defaults.size() == keys.size() ? defaults.get(k) : null;
        Object actual = documented == null ? null : valueAt(example, keys.get(k));
        if (actual != null && !(actual instanceof Map) && !documented.startsWith("=")) {  // "= rate": another key's
          compared.put(keys.get(k), documented);
          String value = String.valueOf(actual);
          boolean off = normalized(documented).equals("off") && (value.equals("false") || value.equals("0"));
          assertThat(off || value.equals(normalized(documented))).as(keys.get(k) + ": README " + documented + ", file " + value)
              .isTrue();
        }
      }
    }
    assertThat(compared).as("defaults compared").hasSizeGreaterThan(15);
  }

  /** README's way of writing a value (10 000, 60 s, 2 min, 500 B/s, 1 MiB) as the configuration file writes it. */
  private static String normalized(String documented) {
    String value = documented.replaceAll(" \\(.*\\)$", "").trim().replaceAll("(\\d) (\\d)", "$1$2");
    Matcher unit = Pattern.compile("(\\d+) (s|min|B/s|KiB|MiB)").matcher(value);
    if (!unit.matches()) {
      return value;
    }
    long n = Long.parseLong(unit.group(1));
    return switch (unit.group(2)) {
      case "s" -> n + "s";
      case "min" -> n + "m";
      case "KiB" -> String.valueOf(n * 1024);
      case "MiB" -> String.valueOf(n * 1024 * 1024);
      default -> String.valueOf(n);
    };
  }

  /** The value at a dotted key in the parsed YAML (.0. picks a list's first entry), or null. */
  private static Object valueAt(Object node, String key) {
    for (String part : key.split("\\.")) {
      if (node instanceof List<?> list && part.matches("\\d+") && Integer.parseInt(part) < list.size()) {
        node = list.get(Integer.parseInt(part));
      } else if (node instanceof Map<?, ?> map) {
        node = map.get(part);
      } else {
        return null;
      }
    }
    return node;
  }

  /** The backquoted keys in one column of the table under a header row; `.x` continues the cell's first key. */
  private static List<String> keysOfTable(List<String> lines, String header, int column, String prefix) {
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(header)) {
        start = i + 2;
        break;
      }
    }
    assertThat(start).as("table " + header).isPositive();
    List<String> keys = new ArrayList<>();
    for (int i = start; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      keys.addAll(keysOfRow(lines.get(i), column, prefix));
    }
    return keys;
  }

  /** The backquoted keys in one cell of a table row; `.x` continues the cell's first key; `[i]` becomes `.0`. */
  private static List<String> keysOfRow(String row, int column, String prefix) {
    List<String> keys = new ArrayList<>();
    Matcher code = CODE.matcher(row.split("\\|")[column]);
    String first = null;
    while (code.find()) {
      String key = code.group(1);
      if (key.contains("*") || key.contains(" ")) {
        continue;
      }
      if (key.startsWith(".") && first != null) {
        key = first.substring(0, first.lastIndexOf('.')) + key;
      } else if (!key.startsWith(".")) {
        key = prefix + key;
        first = key;
      }
      keys.add(key.replace("[i]", ".0"));
    }
    return keys;
  }
}
