package dev.switchboard.udp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.UdpConfig.ReplyMode;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RepliesAndLimitsTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  @DisplayName("reply modes work on bytes: upper changes only a-z, hello prefixes, none answers nothing")
  void replies() {
    Buffer data = Buffer.buffer(new byte[] {'a', 'Z', (byte) 0xE9, 0, '{'});
    assertThat(Replies.to(ReplyMode.ECHO, data)).isSameAs(data);
    assertThat(Replies.to(ReplyMode.UPPER, data).getBytes()).containsExactly('A', 'Z', 0xE9, 0, '{');
    assertThat(data.getBytes()).as("the original is untouched").containsExactly('a', 'Z', 0xE9, 0, '{');
    assertThat(Replies.to(ReplyMode.HELLO, Buffer.buffer("x")).toString()).isEqualTo("Hello, x");
    assertThat(Replies.to(ReplyMode.NONE, data)).isNull();
  }

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
