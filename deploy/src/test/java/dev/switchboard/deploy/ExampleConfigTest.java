package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** README: "deploy/config/switchboard.yaml lists every key at its default". */
class ExampleConfigTest {

  @Test
  @DisplayName("the example configuration sets every key it names to its default")
  void exampleIsTheDefaults() {
    assertThat(ConfigLoader.load(Path.of("config", "switchboard.yaml"), OverrideSource.none()))
        .isEqualTo(ConfigLoader.load(null, OverrideSource.none()));
  }
}
