package dev.switchboard.udp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.UdpConfig.ReplyMode;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RepliesTest {

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
}
