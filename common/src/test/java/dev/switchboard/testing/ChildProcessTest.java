package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ChildProcessTest {

  @Test
  @DisplayName("a command that ends: its exit status, and stdout and stderr in the order printed")
  void ends() throws Exception {
    ChildProcess.Finished finished = ChildProcess.run(Duration.ofSeconds(30), "sh", "-c", "echo out; echo err >&2; exit 3");
    assertThat(finished.exitValue()).isEqualTo(3);
    assertThat(finished.output()).isEqualTo("out\nerr\n");
  }

  @Test
  @DisplayName("a command that does not end within its bound fails the test with its output, and it and its children are killed")
  void killedAtItsBound() throws Exception {
    ProcessBuilder builder = new ProcessBuilder("sh", "-c", "sleep 600 & echo $!; wait");
    assertThatThrownBy(() -> ChildProcess.run(builder, Duration.ofMillis(500)))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("sh -c sleep 600 & echo $!; wait did not end within 500 ms; it printed:\n")
        .satisfies(e -> {
          long sleeper = Long.parseLong(e.getMessage().lines().reduce((a, b) -> b).orElseThrow().strip());
          ProcessHandle.of(sleeper).ifPresent(p -> assertThat(p.onExit()).succeedsWithin(Duration.ofSeconds(10)));
        });
  }
}
