package dev.switchboard.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A command run to its end within a bound, for tests. Its output goes to a file rather than a pipe: a test reading a
 * pipe until a child that never ends closes it blocks for ever, and JUnit's {@code @Timeout} cannot interrupt that
 * read (CI once lost its whole time limit to one such child). Here a child over its bound is killed, with what it
 * started, and the test fails with what it printed.
 */
public final class ChildProcess {

  /** How a command ended: its exit status and what it printed (stdout, and stderr unless sent elsewhere). */
  public record Finished(int exitValue, String output) {
  }

  private ChildProcess() {
  }

  /**
   * Runs the command; stderr joins stdout unless the builder sends it elsewhere. Throws {@link AssertionError} when it
   * has not ended within {@code limit}, after killing it and its descendants.
   */
  public static Finished run(ProcessBuilder builder, Duration limit) throws IOException, InterruptedException {
    File output = File.createTempFile("child-process", ".out");
    try {
      if (builder.redirectError() == ProcessBuilder.Redirect.PIPE) {
        builder.redirectErrorStream(true);
      }
      Process process = builder.redirectOutput(output).start();
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", builder.command()) + " did not end within " + limit.toMillis()
            + " ms; it printed:\n" + read(output));
      }
      return new Finished(process.exitValue(), read(output));
    } finally {
      Files.deleteIfExists(output.toPath());
    }
  }

  /** {@link #run(ProcessBuilder, Duration)} of the command, with its output. */
  public static Finished run(Duration limit, String... command) throws IOException, InterruptedException {
    return run(new ProcessBuilder(command), limit);
  }

  private static String read(File output) throws IOException {
    return new String(Files.readAllBytes(output.toPath()), StandardCharsets.UTF_8);
  }
}
