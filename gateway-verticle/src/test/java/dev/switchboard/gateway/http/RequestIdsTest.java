package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

  @Test
  @DisplayName("a client's request id is kept only when it is 1-128 of A-Z a-z 0-9 . _ : -")
  void saneIds() {
    assertThat(RequestIds.isSane("a.b_c:d-E9")).isTrue();
    assertThat(RequestIds.isSane("x".repeat(128))).isTrue();
    assertThat(RequestIds.isSane("x".repeat(129))).isFalse();
    assertThat(RequestIds.isSane("")).isFalse();
    for (String bad : new String[] {"a b", "a/b", "caf\u00e9", "a\r\nX-Evil: 1", "a\u0000", "{id}"}) {
      assertThat(RequestIds.isSane(bad)).as(bad).isFalse();
    }
  }
}
