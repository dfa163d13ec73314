package dev.switchboard.gateway.screen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestTargetTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/a/b/c, /a/b/c",
      "/a/./b, /a/b",
      "/a/b/../c, /a/c",
      "/a/b/.., /a/",
      "/a/b/., /a/b/",
      "/a/%2e%2E/b, /b",
      "/%7Euser/%41, /~user/A",
      "/a/%41%2c/b, /a/A%2c/b",
      "/a/..b/.c, /a/..b/.c",
      "/a/b/../c?x=/../.., /a/c?x=/../..",
      "http://host/a/../b?q, http://host/b?q",
      "/, /",
  })
  @DisplayName("dot segments are removed and escaped unreserved characters decoded; nothing else changes")
  void normalised(String target, String expected) throws Exception {
    assertThat(RequestTarget.normalise("GET", target)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"/..", "/a/../..", "/%2e%2e/x", "/a/..%2f..%2fb", "/a%5c..", "/a%00b", "a/b", "http:/x", "http://host", "ftp://h/x", "/a#frag", "/a\tb", "*"})
  @DisplayName("a path above the root, a relative or foreign target, a fragment, a control character: refused")
  void refused(String target) {
    assertThatThrownBy(() -> RequestTarget.normalise("GET", target)).isInstanceOf(RequestTarget.Invalid.class);
  }

  @Test
  @DisplayName("* is the target of OPTIONS only")
  void asterisk() throws Exception {
    assertThat(RequestTarget.normalise("OPTIONS", "*")).isEqualTo("*");
  }

  @Test
  @DisplayName("a target with nothing to normalise comes back as the same string, without copying")
  void unchanged() throws Exception {
    String target = "/apps/hello/x?y=1";
    assertThat(RequestTarget.normalise("GET", target)).isSameAs(target);
  }
}
