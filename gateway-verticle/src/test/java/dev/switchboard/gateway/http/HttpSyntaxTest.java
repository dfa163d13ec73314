package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HttpSyntaxTest {

  @Test
  @DisplayName("tokens: letters, digits and the RFC 9110 symbols; nothing else, not empty")
  void tokens() {
    assertThat(HttpSyntax.isToken("X-Custom_1.a!#$%&'*+^`|~")).isTrue();
    assertThat(HttpSyntax.isToken("")).isFalse();
    for (String bad : new String[] {"a b", "a:b", "a\"", "a(", "a\u00e9", "a\n", "a/", "a@", "a,"}) {
      assertThat(HttpSyntax.isToken(bad)).as(bad).isFalse();
    }
  }

  @Test
  @DisplayName("field values: tab, visible ASCII, space and obs-text; no control characters")
  void fieldValues() {
    assertThat(HttpSyntax.isFieldValue("text/plain; q=0.5\t\u00ff")).isTrue();
    assertThat(HttpSyntax.isFieldValue("")).isTrue();
    for (String bad : new String[] {"a\r\nX-Injected: 1", "a\u0000", "a\u007f", "a\u0100", "\u001b[0m"}) {
      assertThat(HttpSyntax.isFieldValue(bad)).as(bad).isFalse();
    }
  }

  @Test
  @DisplayName("final statuses: 200-599, a space, then a reason without control characters")
  void statuses() {
    assertThat(HttpSyntax.isFinalStatus("200 OK")).isTrue();
    assertThat(HttpSyntax.isFinalStatus("599 ")).isTrue();
    assertThat(HttpSyntax.isFinalStatus("404 Not\tFound")).isTrue();
    for (String bad : new String[] {"200", "200OK", "199 Too low", "600 Too high", "20a OK", " 200 OK", "200 OK\r\n",
        "200 \u00e9"}) {
      assertThat(HttpSyntax.isFinalStatus(bad)).as(bad).isFalse();
    }
  }

  @Test
  @DisplayName("lengths: 1 to 18 digits, so a long always holds them")
  void lengths() {
    assertThat(HttpSyntax.isLength("0")).isTrue();
    assertThat(HttpSyntax.isLength("999999999999999999")).isTrue();
    for (String bad : new String[] {"", "1000000000000000000", "-1", "+1", "1 ", "0x10", "1.0"}) {
      assertThat(HttpSyntax.isLength(bad)).as(bad).isFalse();
    }
  }

  @Test
  @DisplayName("hosts: names, IPv4, bracketed IPv6, with an optional port; no escapes, sub-delimiters or bad ports")
  void hosts() {
    for (String good : new String[] {"example.com", "a-b_c.d~e:8080", "127.0.0.1", "[::1]", "[::1]:443", "x:", "h:65535"}) {
      assertThat(HttpSyntax.isHost(good)).as(good).isTrue();
    }
    for (String bad : new String[] {"", ":80", "a%41", "a b", "a@b", "a,b", "[]", "[::1", "[g::1]", "h:65536", "h:1x",
        "h:123456", "a/b", "a\u00e9"}) {
      assertThat(HttpSyntax.isHost(bad)).as(bad).isFalse();
    }
  }
}
