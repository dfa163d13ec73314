package dev.switchboard.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class UnsentBytesTest {

  private final UnsentBytes unsent = new UnsentBytes();
  private final List<String> completions = new ArrayList<>();

  /** An outbound handler that counts what passes it, as the gateway's guards do. */
  private final class Counting extends ChannelOutboundHandlerAdapter {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      unsent.write(ctx, (ByteBuf) msg, promise, (bytes, failed) -> completions.add(bytes + (failed ? " lost" : " sent")));
    }
  }

  @Test
  @DisplayName("in a Netty pipeline, bytes count as pending from the write until the flush completes it, even with a void promise")
  void nettyWrites() {
    EmbeddedChannel channel = new EmbeddedChannel(new Counting());
    channel.write(Unpooled.wrappedBuffer(new byte[100]));
    channel.write(Unpooled.wrappedBuffer(new byte[50]), channel.voidPromise());
    assertThat(unsent.pending()).isEqualTo(150);
    assertThat(completions).isEmpty();

    channel.flush();
    assertThat(completions).containsExactly("100 sent", "50 sent");
    assertThat(unsent.pending()).isZero();
    assertThat(unsent.peak()).isEqualTo(150);
    assertThat(unsent.completed()).isEqualTo(150);
    releaseAll(channel);
  }

  @Test
  @DisplayName("a write still unsent when the channel closes completes as lost and stops counting as pending")
  void nettyLostWrite() {
    EmbeddedChannel channel = new EmbeddedChannel(new Counting());
    channel.write(Unpooled.wrappedBuffer(new byte[10]));
    channel.close();
    assertThat(completions).containsExactly("10 lost");
    assertThat(unsent.pending()).isZero();
    assertThat(unsent.peak()).isEqualTo(10);
  }

  @Test
  @DisplayName("through a Vert.x write, bytes are pending until its future completes; the counts are updated before the owner hears")
  void vertxWrites() {
    List<Promise<Void>> writes = new ArrayList<>();
    List<Long> pendingSeen = new ArrayList<>();
    java.util.function.Function<Buffer, Future<Void>> sink = data -> {
      Promise<Void> written = Promise.promise();
      writes.add(written);
      return written.future();
    };
    unsent.write(Buffer.buffer(new byte[30]), sink, (bytes, failed) -> pendingSeen.add(unsent.pending()));
    unsent.write(Buffer.buffer(new byte[20]), sink, (bytes, failed) -> completions.add(bytes + (failed ? " lost" : " sent")));
    assertThat(unsent.pending()).isEqualTo(50);

    writes.get(0).complete();
    assertThat(pendingSeen).containsExactly(20L);
    writes.get(1).fail("connection reset");
    assertThat(completions).containsExactly("20 lost");
    assertThat(unsent.pending()).isZero();
    assertThat(unsent.completed()).isEqualTo(50);
    assertThat(unsent.peak()).isEqualTo(50);
  }

  private static void releaseAll(EmbeddedChannel channel) {
    for (Object out; (out = channel.readOutbound()) != null; ) {
      ((ByteBuf) out).release();
    }
    channel.finishAndReleaseAll();
  }
}
