package dev.switchboard.deploy;

import dev.switchboard.testing.ChildProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An image tarball as {@code docker save} writes it and {@code docker load} reads it (Jib's {@code buildTar}): a
 * {@code manifest.json} naming the image, its config and its layers in order, each layer a gzipped tar of files.
 * Read with the system's {@code tar}, as a container runtime would unpack it.
 */
final class ImageTarball {

  private final Path dir;
  private final JsonObject manifest;
  private final JsonObject config;

  private ImageTarball(Path dir, JsonObject manifest, JsonObject config) {
    this.dir = dir;
    this.manifest = manifest;
    this.config = config;
  }

  /** The image built by {@code mvn package} (profile image), from failsafe's {@code test.switchboard.image}. */
  static Path built() {
    String path = System.getProperty("test.switchboard.image");
    if (path == null) {
      throw new IllegalStateException("run through failsafe (mvn verify): test.switchboard.image is not set");
    }
    return Path.of(path);
  }

  /** Unpacks the tarball (not its layers) into {@code dir}. */
  static ImageTarball open(Path tarball, Path dir) throws IOException, InterruptedException {
    tar("-xf", tarball.toString(), "-C", dir.toString());
    JsonArray images = new JsonArray(Files.readString(dir.resolve("manifest.json")));
    if (images.size() != 1) {
      throw new IOException("expected one image in " + tarball + ", found " + images.size());
    }
    JsonObject manifest = images.getJsonObject(0);
    JsonObject config = new JsonObject(Files.readString(dir.resolve(manifest.getString("Config"))));
    return new ImageTarball(dir, manifest, config);
  }

  /** The names the image is loaded under ({@code docker load}), e.g. {@code switchboard:0.1.0}. */
  List<String> tags() {
    return strings(manifest.getJsonArray("RepoTags"));
  }

  /** The image's run configuration: the {@code config} object of the image config. */
  JsonObject runConfig() {
    return config.getJsonObject("config");
  }

  List<String> entrypoint() {
    return strings(runConfig().getJsonArray("Entrypoint"));
  }

  /** The image's environment, in order. */
  Map<String, String> environment() {
    return strings(runConfig().getJsonArray("Env")).stream().map(v -> v.split("=", 2))
        .collect(Collectors.toMap(v -> v[0], v -> v[1], (a, b) -> b, LinkedHashMap::new));
  }

  /** Every layer unpacked in order into {@code root}: the container's file system. */
  void unpackLayers(Path root) throws IOException, InterruptedException {
    for (String layer : strings(manifest.getJsonArray("Layers"))) {
      tar("-xzf", dir.resolve(layer).toString(), "-C", root.toString());
    }
  }

  /** The mode and path of every entry of every layer, as {@code tar -tv} lists them ({@code -rwxr-xr-x opt/java/bin/java}). */
  List<String> listing() throws IOException, InterruptedException {
    StringBuilder all = new StringBuilder();
    for (String layer : strings(manifest.getJsonArray("Layers"))) {
      all.append(tar("-tvzf", dir.resolve(layer).toString()));
    }
    return all.toString().lines().map(line -> line.split("\\s+"))
        .map(fields -> fields[0] + " " + fields[fields.length - 1]).toList();
  }

  private static List<String> strings(JsonArray array) {
    return array == null ? List.of() : array.stream().map(Object::toString).toList();
  }

  private static String tar(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tar", "--warning=no-unknown-keyword"));
    command.addAll(List.of(args));
    ChildProcess.Finished finished = ChildProcess.run(new ProcessBuilder(command), Duration.ofSeconds(60));
    if (finished.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + finished.output().strip());
    }
    return finished.output();
  }
}
