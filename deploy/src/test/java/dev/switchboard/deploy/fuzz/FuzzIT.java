package dev.switchboard.deploy.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The short seeded fuzz pass CI runs (well under 60 s); {@code bench/fuzz.sh N} runs the same harness with N inputs
 * per listener. System properties: fuzz.seed, fuzz.inputs (per listener), fuzz.batches, fuzz.budget (seconds),
 * fuzz.report (a Markdown file to write), fuzz.listeners (comma-separated names: only these; default all).
 */
@IntegrationTest
class FuzzIT {

  @Test
  @DisplayName("every listener survives seeded hostile input: alive, answering in time, no stack traces, no 5xx, no heap growth")
  void seededPass() throws Exception {
    Path jar = Path.of(System.getProperty("test.switchboard.jar", "target/switchboard.jar"));
    FuzzCampaign.Settings settings = new FuzzCampaign.Settings(
        Long.getLong("fuzz.seed", 20261204L),
        Integer.getInteger("fuzz.inputs", 40),
        Integer.getInteger("fuzz.batches", 2),
        100,
        3,
        20L << 20,
        Duration.ofSeconds(Long.getLong("fuzz.budget", 30L)),
        jar,
        Files.createDirectories(Path.of("target", "fuzz")),
        Set.of(System.getProperty("fuzz.listeners", "").split(",")).stream().filter(s -> !s.isBlank()).collect(Collectors.toSet()));
    FuzzCampaign campaign = new FuzzCampaign(settings).run();
    String report = campaign.report();
    System.out.println(report);
    Files.writeString(Path.of(System.getProperty("fuzz.report", "target/fuzz/report.md")), report);
    assertThat(campaign.findings()).as(campaign.findingsReport()).isEmpty();
  }
}
