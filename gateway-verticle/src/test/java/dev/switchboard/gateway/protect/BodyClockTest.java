package dev.switchboard.gateway.protect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.GatewayTimeouts;
import dev.switchboard.gateway.protect.BodyClock.Expiry;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BodyClockTest {

  private static final long S = 1_000_000_000L;
  private static final long T0 = 1_000 * S;

  /** body 30 s gap, 500 B/s minimum rate, 120 s total: the defaults. */
  private static GatewayTimeouts timeouts(Duration gap, int minRate, Duration total) {
    GatewayTimeouts d = GatewayTimeouts.defaults();
    return new GatewayTimeouts(d.keepAlive(), d.header(), gap, minRate, total, d.request(), d.write(), d.drain(),
        d.linger());
  }

  @Test
  @DisplayName("the defaults are the documented ones")
  void defaults() {
    GatewayTimeouts d = GatewayTimeouts.defaults();
    assertThat(d.body()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.bodyMinRate()).isEqualTo(500);
    assertThat(d.bodyTotal()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  @DisplayName("the issue's trickle, one byte every 29 s, never trips the 30 s gap but gets 'too slow' 30 s after the headers")
  void trickleIsTooSlow() {
    BodyClock clock = new BodyClock(GatewayTimeouts.defaults(), true, true, T0);
    long now = T0;
    Expiry expiry = null;
    while (expiry == null) {
      now += S;
      if ((now - T0) % (29 * S) == 0) {
        clock.onBytes(1, now);
      }
      expiry = clock.expired(now);
    }
    assertThat(expiry).isEqualTo(Expiry.SLOW);
    // Due 30 s + 1 byte / 500 B/s after the headers; checked here once a second.
    assertThat(now - T0).isEqualTo(31 * S);
    assertThat(clock.bytes()).isEqualTo(1);
  }

  @Test
  @DisplayName("a body at the minimum rate is in time; its deadline moves one second per minRate bytes")
  void atTheMinimumRate() {
    BodyClock clock = new BodyClock(timeouts(Duration.ofSeconds(10), 1000, Duration.ZERO), true, true, T0);
    for (int second = 1; second <= 100; second++) {
      clock.onBytes(1000, T0 + second * S);
      assertThat(clock.expired(T0 + second * S)).isNull();
    }
    // 100 000 bytes: due 10 s + 100 s after the headers, when the gap also runs out (which is what is reported).
    assertThat(clock.expired(T0 + 110 * S - 1)).isNull();
    assertThat(clock.expired(T0 + 110 * S)).isEqualTo(Expiry.GAP);
    BodyClock slow = new BodyClock(timeouts(Duration.ofSeconds(10), 1000, Duration.ZERO), true, true, T0);
    for (int second = 1; second <= 100; second++) {
      slow.onBytes(900, T0 + second * S);
    }
    assertThat(slow.expired(T0 + 100 * S)).as("90 000 bytes: due at 100 s").isEqualTo(Expiry.SLOW);
  }

  @Test
  @DisplayName("the gap: no byte for timeouts.body")
  void gap() {
    BodyClock clock = new BodyClock(timeouts(Duration.ofSeconds(5), 0, Duration.ZERO), true, true, T0);
    clock.onBytes(10, T0 + 3 * S);
    assertThat(clock.expired(T0 + 8 * S - 1)).isNull();
    assertThat(clock.expired(T0 + 8 * S)).isEqualTo(Expiry.GAP);
  }

  @Test
  @DisplayName("the total deadline holds however fast the bytes come")
  void total() {
    BodyClock clock = new BodyClock(timeouts(Duration.ofSeconds(5), 10, Duration.ofSeconds(60)), true, true, T0);
    for (int second = 1; second < 60; second++) {
      clock.onBytes(1_000_000, T0 + second * S);
      assertThat(clock.expired(T0 + second * S)).isNull();
    }
    assertThat(clock.expired(T0 + 60 * S)).isEqualTo(Expiry.TOTAL);
  }

  @Test
  @DisplayName("a streamed body has the gap only, stopped while the application grants no credit")
  void streamed() {
    BodyClock clock = new BodyClock(timeouts(Duration.ofSeconds(5), 1000, Duration.ofSeconds(10)), false, true, T0);
    clock.running(false, T0);
    assertThat(clock.expired(T0 + 3600 * S)).as("no credit, no clock").isNull();
    clock.running(true, T0 + 3600 * S);
    assertThat(clock.expired(T0 + 3604 * S)).isNull();
    assertThat(clock.expired(T0 + 3605 * S)).isEqualTo(Expiry.GAP);
  }

  @Test
  @DisplayName("on HTTP/1.x the gap is the connection guard's: not reported here, but still the minimum rate's allowance")
  void gapElsewhere() {
    BodyClock clock = new BodyClock(timeouts(Duration.ofSeconds(5), 1000, Duration.ZERO), true, false, T0);
    clock.onBytes(20_000, T0 + S);
    assertThat(clock.expired(T0 + 20 * S)).isNull();
    assertThat(clock.expired(T0 + 25 * S)).isEqualTo(Expiry.SLOW);
    assertThat(new BodyClock(timeouts(Duration.ofSeconds(5), 1000, Duration.ZERO), false, false, T0).watched())
        .as("a streamed HTTP/1.x body: nothing to watch here").isFalse();
  }

  @Test
  @DisplayName("with every clock at 0 nothing is watched; a gap of 0 turns the minimum rate off too")
  void off() {
    assertThat(new BodyClock(timeouts(Duration.ZERO, 0, Duration.ZERO), true, true, T0).watched()).isFalse();
    BodyClock noGap = new BodyClock(timeouts(Duration.ZERO, 1000, Duration.ZERO), true, true, T0);
    assertThat(noGap.watched()).isFalse();
    assertThat(noGap.expired(T0 + 3600 * S)).isNull();
  }
}
