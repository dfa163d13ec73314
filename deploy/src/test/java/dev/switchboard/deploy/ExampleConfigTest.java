package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.config.SwitchboardConfig;
import java.nio.file.Path;
import java.util.Map;
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

  @Test
  @DisplayName("setting only a rate limit's perSecond over the example file is valid: its burst follows the rate")
  void aRateAloneIsEnough() {
    SwitchboardConfig config = ConfigLoader.load(Path.of("config", "switchboard.yaml"), new OverrideSource(Map.of(),
        Map.of("switchboard.udp.rateLimit.perSecond", "100", "switchboard.gateway.limits.rateLimit.perSecond", "50"),
        Map.of()));

    assertThat(config.udp().rateLimit().burst()).isEqualTo(100);
    assertThat(config.gateway().limits().rateLimit().burst()).isEqualTo(50);
  }
}
