package dev.switchboard.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * The one place where configuration is read: defaults, then the file, then environment variables, system
 * properties and flags, in rising precedence. The result is validated as a whole or refused with a {@link ConfigException}.
 */
public final class ConfigLoader {

  private ConfigLoader() {
  }

  /**
   * @param file      YAML ({@code .yaml}/{@code .yml}) or JSON ({@code .json}) file, or null for none
   * @param overrides flags, system properties and environment
   */
  public static SwitchboardConfig load(Path file, OverrideSource overrides) {
    return load(file, overrides, new EffectiveConfig());
  }

  /** As {@link #load(Path, OverrideSource)}, noting in {@code effective} every key's value and origin. */
  public static SwitchboardConfig load(Path file, OverrideSource overrides, EffectiveConfig effective) {
    Map<?, ?> tree = file == null ? Map.of() : ConfigFile.read(file);
    String origin = file == null ? "defaults" : file.toString();
    SwitchboardConfig config = SwitchboardConfig.read(new ConfigNode("", tree, origin, overrides, effective, null));
    overrides.rejectUnclaimed();
    return config;
  }
}
