package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.switchboard.testing.LogCapture;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ThrottledWarningTest {

  @Test
  @DisplayName("the first line at once, then one per interval with the number not logged in between")
  void throttles() {
    try (LogCapture lines = LogCapture.of("throttled-warning-test")) {
      AtomicLong now = new AtomicLong();
      ThrottledWarning warning = new ThrottledWarning(LoggerFactory.getLogger("throttled-warning-test"),
          Duration.ofSeconds(10), now::get);
      for (int i = 0; i < 100; i++) {
        int n = i;
        warning.warn(() -> "fault " + n);
        now.addAndGet(50_000_000L);   // 100 faults over 5 s
      }
      now.set(11_000_000_000L);
      warning.warn(() -> "fault late");
      assertThat(lines.events()).extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly("fault 0", "fault late (99 more refusals not logged in the last 11 s)");
    }
  }
}
