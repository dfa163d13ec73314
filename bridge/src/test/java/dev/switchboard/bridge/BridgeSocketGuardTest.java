package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.net.MemoryBudget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The bridge's output bound on an embedded channel: writes the peer has not taken count until they complete. */
class BridgeSocketGuardTest {

  private final MemoryBudget budget = new MemoryBudget(1000);
  private final MemoryBudget.Share reserved = budget.share();

  private EmbeddedChannel channel(int maxPendingBytes) {
    return new EmbeddedChannel(new BridgeSocketGuard(maxPendingBytes, new BridgeMeters(new SimpleMeterRegistry(), budget), "127.0.0.1:5000",
        reserved, new UnansweredRequests()));
  }

  @Test
  @DisplayName("output the client has taken no longer counts; a write past maxPendingBytes unsent closes the connection")
  void pendingBound() {
    EmbeddedChannel channel = channel(100);
    channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[80]));
    channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[80]));
    assertThat(reserved.held()).as("taken by the socket: given back").isZero();

    channel.write(Unpooled.wrappedBuffer(new byte[80]));
    assertThat(reserved.held()).isEqualTo(80);
    ChannelFuture refused = channel.write(Unpooled.wrappedBuffer(new byte[21]));
    assertThat(refused.isSuccess()).isFalse();
    assertThat(channel.isOpen()).isFalse();
    assertThat(reserved.held()).as("the unsent write failed with the close").isZero();
    channel.finishAndReleaseAll();
  }

  @Test
  @DisplayName("a write the shared budget has no room for closes the connection")
  void budgetBound() {
    EmbeddedChannel channel = channel(10_000);
    channel.write(Unpooled.wrappedBuffer(new byte[900]));
    ChannelFuture refused = channel.write(Unpooled.wrappedBuffer(new byte[101]));
    assertThat(refused.isSuccess()).isFalse();
    assertThat(channel.isOpen()).isFalse();
    assertThat(budget.held()).isZero();
    channel.finishAndReleaseAll();
  }
}
