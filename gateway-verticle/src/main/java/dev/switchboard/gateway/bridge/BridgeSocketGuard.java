package dev.switchboard.gateway.bridge;

import dev.switchboard.counters.BridgeCounters;
import dev.switchboard.counters.BridgeCounters.Refusal;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Vert.x bridge lacks on output: a bound on what waits unsent for a client that does not read (the bridge
 * writes every message without looking at the write queue). Past {@code maxPendingBytes} the connection is closed
 * with a log line. It counts
 * the bytes the bridge writes, before TLS encrypts them.
 */
final class BridgeSocketGuard extends ChannelOutboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeSocketGuard.class);

  private final int maxPendingBytes;
  private final BridgeCounters counters;
  private final String remote;
  private long pending;
  private boolean closing;

  BridgeSocketGuard(int maxPendingBytes, BridgeCounters counters, String remote) {
    this.maxPendingBytes = maxPendingBytes;
    this.counters = counters;
    this.remote = remote;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf buf && buf.isReadable()) {
      int bytes = buf.readableBytes();
      pending += bytes;
      if (pending > maxPendingBytes && !closing) {
        closing = true;
        counters.count(Refusal.SLOW_CLIENT);
        LOG.info("bridge client {}: {} bytes unread, closing", remote, pending);
        ReferenceCountUtil.release(msg);
        promise.tryFailure(new IllegalStateException("bridge client too slow"));
        ctx.close();
        return;
      }
      ChannelPromise tracked = promise.unvoid();
      tracked.addListener(done -> pending -= bytes);
      ctx.write(msg, tracked);
    } else {
      ctx.write(msg, promise);
    }
  }
}
