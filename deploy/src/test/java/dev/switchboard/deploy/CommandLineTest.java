package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CommandLineTest {

  @Test
  @DisplayName("--config, --roles and --instances are read, with a space or an equals sign")
  void options() {
    CommandLine line = CommandLine.parse("--config", "a.yaml", "--roles=echo,udp", "--instances", "3");
    assertThat(line.configFile()).isEqualTo(Path.of("a.yaml"));
    assertThat(line.keyOverrides()).isEqualTo(Map.of("roles", "echo,udp", "instances", "3"));
    assertThat(line.help()).isFalse();
    assertThat(line.version()).isFalse();
  }

  @Test
  @DisplayName("no arguments means defaults; --help and --version are flags")
  void flags() {
    assertThat(CommandLine.parse()).isEqualTo(new CommandLine(null, Map.of(), false, false, false, null));
    assertThat(CommandLine.parse("--help").help()).isTrue();
    assertThat(CommandLine.parse("-V").version()).isTrue();
  }

  @Test
  @DisplayName("an unknown option or a missing value is refused, naming the option")
  void errors() {
    assertThatThrownBy(() -> CommandLine.parse("--port", "1")).hasMessage("unknown option --port");
    assertThatThrownBy(() -> CommandLine.parse("--config")).hasMessage("--config needs a value");
    assertThatThrownBy(() -> CommandLine.parse("--roles", "--help")).hasMessage("--roles needs a value");
    assertThatThrownBy(() -> CommandLine.parse("extra")).hasMessage("unknown option extra");
  }

  @Test
  @DisplayName("--check-config is a flag; --log-level takes a level, in any case, after a space or an equals sign")
  void checkConfigAndLogLevel() {
    assertThat(CommandLine.parse("--check-config").checkConfig()).isTrue();
    assertThat(CommandLine.parse("--log-level=DEBUG").logLevel()).isEqualTo("debug");
    assertThat(CommandLine.parse("--log-level", "warn").logLevel()).isEqualTo("warn");
    assertThat(CommandLine.parse().logLevel()).isNull();
    assertThatThrownBy(() -> CommandLine.parse("--log-level", "loud"))
        .hasMessage("--log-level takes one of trace, debug, info, warn, error, off, not loud");
  }
}
