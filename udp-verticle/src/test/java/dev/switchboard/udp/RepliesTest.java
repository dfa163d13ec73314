package dev.switchboard.udp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.UdpConfig.ReplyMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RepliesTest {

  private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

  @Test
  @DisplayName("reply modes work on bytes: upper changes only a-z, hello prefixes, none answers nothing")
  void replies() {
    // A buffer larger than its content, as the read buffer is: an echo must not keep it.
    ByteBuf data = Unpooled.buffer(64).writeBytes(new byte[] {'a', 'Z', (byte) 0xE9, 0, '{'});
    ByteBuf echo = Replies.to(ReplyMode.ECHO, data, ALLOC);
    assertThat(ByteBufUtil.getBytes(echo)).containsExactly('a', 'Z', 0xE9, 0, '{');
    assertThat(echo.capacity()).as("an echo is a buffer of its own size, not the large read buffer").isEqualTo(5);
    echo.release();
    assertThat(data.refCnt()).as("the received buffer is left to its owner").isEqualTo(1);
    assertThat(ByteBufUtil.getBytes(Replies.to(ReplyMode.UPPER, data, ALLOC))).containsExactly('A', 'Z', 0xE9, 0, '{');
    assertThat(ByteBufUtil.getBytes(data)).as("the original is untouched").containsExactly('a', 'Z', 0xE9, 0, '{');
    assertThat(Replies.to(ReplyMode.HELLO, Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII), ALLOC)
        .toString(StandardCharsets.US_ASCII)).isEqualTo("Hello, x");
    assertThat(Replies.to(ReplyMode.NONE, data, ALLOC)).isNull();
  }

  @Test
  @DisplayName("every answer is a direct buffer, even from an allocator that prefers heap: epoll sends it without a copy")
  void directAnswers() {
    ByteBufAllocator heapFirst = new UnpooledByteBufAllocator(false);
    ByteBuf data = Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII);
    for (ReplyMode mode : new ReplyMode[] {ReplyMode.ECHO, ReplyMode.HELLO, ReplyMode.UPPER}) {
      ByteBuf answer = Replies.to(mode, data, heapFirst);
      assertThat(answer.isDirect()).as(mode.name()).isTrue();
      answer.release();
    }
  }
}
