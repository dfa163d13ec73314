package dev.switchboard.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/** Reads a configuration file, YAML or JSON by its extension, into a tree of maps, lists and scalars. */
public final class ConfigFile {

  private ConfigFile() {
  }

  public static Map<?, ?> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist");
    } catch (MalformedInputException e) {
      throw new ConfigException("config file " + file + " is not UTF-8 text");
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
    }
    Object tree = file.toString().endsWith(".json") ? parseJson(file, text) : parseYaml(file, text);
    if (tree == null) {
      return Map.of();
    }
    if (!(tree instanceof Map<?, ?> map)) {
      throw new ConfigException("config file " + file + " must hold a mapping of keys at the top");
    }
    return map;
  }

  private static Object parseYaml(Path file, String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    try {
      return new Yaml(new SafeConstructor(options)).load(text);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
      String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
      throw new ConfigException("config file " + file + " does not parse" + where + ": " + oneLine(problem));
    } catch (YAMLException e) {
      throw new ConfigException("config file " + file + " does not parse: " + oneLine(e.getMessage()));
    }
  }

  private static Object parseJson(Path file, String text) {
    // A streaming pass first, for its exact line and column and strict duplicate detection.
    JsonFactory factory = JsonFactory.builder().enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    try (JsonParser parser = factory.createParser(text)) {
      while (parser.nextToken() != null) {
        // validating only
      }
    } catch (JsonProcessingException e) {
      throw new ConfigException("config file " + file + " does not parse at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ": " + oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
    }
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      return null;
    }
    if (!trimmed.startsWith("{")) {
      throw new ConfigException("config file " + file + " must hold a JSON object at the top");
    }
    return new JsonObject(trimmed).getMap();
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s+", " ").trim();
  }
}
