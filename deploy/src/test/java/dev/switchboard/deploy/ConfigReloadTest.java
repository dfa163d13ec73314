package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.EffectiveConfig;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReloadTest {

  @TempDir
  Path dir;

  private ConfigReload.Loaded load(Path file) {
    EffectiveConfig effective = new EffectiveConfig();
    SwitchboardConfig config = ConfigLoader.load(file, OverrideSource.none(), effective);
    return new ConfigReload.Loaded(config, effective);
  }

  @Test
  @DisplayName("a refused reload leaves the running configuration: the next one is compared with it, not with the refused one")
  void refusedReloadsLeaveTheRunningOne() throws Exception {
    Path file = dir.resolve("s.yaml");
    Files.writeString(file, "gateway:\n  routes: [{prefix: /a, address: wsgi.a}]\n");
    List<SwitchboardConfig> applied = new ArrayList<>();
    ConfigReload reload = new ConfigReload(load(file), () -> load(file), applied::add);
    try (LogCapture log = LogCapture.of(ConfigReload.class.getName())) {
      assertThat(reload.reload()).as("unchanged").isTrue();
      assertThat(applied).isEmpty();

      Files.writeString(file, "gateway:\n  port: 9\n  routes: [{prefix: /b, address: wsgi.b}]\n");
      assertThat(reload.reload()).as("a port change with the routes").isFalse();
      Files.writeString(file, "gateway:\n  routes: [{prefix: b}]\n");
      assertThat(reload.reload()).as("invalid").isFalse();
      assertThat(applied).isEmpty();

      Files.writeString(file, "gateway:\n  routes: [{prefix: /a, address: wsgi.a}, {prefix: /c, address: wsgi.c}]\n"
          + "  limits: {maxInFlight: 10}\n  timeouts: {keepAlive: 5s}\n");
      assertThat(reload.reload()).isTrue();
      assertThat(applied).hasSize(1);
      assertThat(applied.get(0).gateway().routes()).hasSize(2);

      assertThat(log.events().stream().map(ILoggingEvent::getFormattedMessage).toList()).containsExactly(
          "reload: configuration unchanged",
          "reload refused, the running configuration stays: gateway.port cannot change without a restart",
          "reload refused, the running configuration stays: config key gateway.routes.0.prefix: must be a path such as"
              + " /api (starting with /, no trailing /, no % or ?)",
          "reloaded: gateway.limits.maxInFlight, gateway.routes.1.address, gateway.routes.1.maxBodyBytes, "
              + "gateway.routes.1.methods, gateway.routes.1.prefix, gateway.routes.1.retry, gateway.routes.1.streamBody, "
              + "gateway.routes.1.timeout, gateway.timeouts.keepAlive");
    }
  }
}
