package dev.switchboard.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  @DisplayName("token bucket: a burst, then the rate; sources are independent")
  void tokenBucket() {
    SourceRateLimiter limiter = new SourceRateLimiter(2, 3, 100);
    long t = 0;
    assertThat(limiter.allow("a", t)).isTrue();
    assertThat(limiter.allow("a", t)).isTrue();
    assertThat(limiter.allow("a", t)).isTrue();
    assertThat(limiter.allow("a", t)).as("burst spent").isFalse();
    assertThat(limiter.allow("b", t)).as("another source has its own bucket").isTrue();
    assertThat(limiter.allow("a", t + SECOND / 2)).as("one token after half a second at 2/s").isTrue();
    assertThat(limiter.allow("a", t + SECOND / 2)).isFalse();
    assertThat(limiter.allow("a", t + 10 * SECOND)).isTrue();
  }

  @Test
  @DisplayName("a flood of sources is bounded: the least recent is forgotten and starts again with a full bucket")
  void boundedSources() {
    SourceRateLimiter limiter = new SourceRateLimiter(1, 1, 2);
    assertThat(limiter.allow("a", 0)).isTrue();
    assertThat(limiter.allow("a", 0)).isFalse();
    limiter.allow("b", 0);
    limiter.allow("c", 0);
    assertThat(limiter.trackedSources()).isEqualTo(2);
    assertThat(limiter.allow("a", 0)).as("a was forgotten").isTrue();
  }
}
