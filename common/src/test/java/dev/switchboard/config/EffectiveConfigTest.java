package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EffectiveConfigTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("every key read is noted with its value and origin: default, file, environment, system property, flag")
  void origins() throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "gateway:\n  port: 9000\n  upstreamTimeout: 90s\necho:\n  listeners:\n    - port: 7100\n");
    EffectiveConfig effective = new EffectiveConfig();
    ConfigLoader.load(file, new OverrideSource(Map.of("instances", "2"),
        Map.of("switchboard.udp.port", "7200"), Map.of("SWITCHBOARD_BRIDGE_PORT", "7300", "SWITCHBOARD_BRIDGE_TOKEN", "t0k")),
        effective);
    Map<String, EffectiveConfig.Entry> entries = effective.entries();
    assertThat(entries.get("gateway.port")).isEqualTo(new EffectiveConfig.Entry("9000", "file " + file));
    assertThat(entries.get("gateway.upstreamTimeout")).isEqualTo(new EffectiveConfig.Entry("90s", "file " + file));
    assertThat(entries.get("echo.listeners.0.port")).isEqualTo(new EffectiveConfig.Entry("7100", "file " + file));
    assertThat(entries.get("instances")).isEqualTo(new EffectiveConfig.Entry("2", "command-line flag"));
    assertThat(entries.get("udp.port")).isEqualTo(new EffectiveConfig.Entry("7200", "system property switchboard.udp.port"));
    assertThat(entries.get("bridge.port"))
        .isEqualTo(new EffectiveConfig.Entry("7300", "environment variable SWITCHBOARD_BRIDGE_PORT"));
    assertThat(entries.get("bridge.token").value()).isEqualTo("(set, not shown)");
    assertThat(entries.get("gateway.maxBodyBytes")).isEqualTo(new EffectiveConfig.Entry("1048576", "default"));
    assertThat(effective.describe()).contains("gateway.port = 9000  (file " + file + ")\n").doesNotContain("t0k");
  }

  @Test
  @DisplayName("changedFrom names the keys whose value differs or that only one side has")
  void changed() throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "gateway:\n  routes:\n    - prefix: /a\n      address: wsgi.a\n");
    EffectiveConfig before = new EffectiveConfig();
    ConfigLoader.load(file, OverrideSource.none(), before);
    Files.writeString(file, "gateway:\n  port: 1\n");
    EffectiveConfig after = new EffectiveConfig();
    ConfigLoader.load(file, OverrideSource.none(), after);
    assertThat(after.changedFrom(before)).contains("gateway.port", "gateway.routes.0.prefix", "gateway.routes.0.address")
        .noneMatch(key -> key.startsWith("echo."));
  }
}
