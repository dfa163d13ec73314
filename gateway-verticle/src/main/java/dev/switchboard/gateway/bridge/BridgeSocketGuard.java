package dev.switchboard.gateway.bridge;

import dev.switchboard.gateway.bridge.BridgeMeters.Refusal;
import dev.switchboard.net.MemoryBudget;
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
 * the bytes the bridge writes, before TLS encrypts them. The same bytes are reserved in the bridge's
 * {@link MemoryBudget} ({@code maxBufferedBytes}, shared by every connection) until they are written: a write the
 * budget has no room for closes the connection too.
 */
final class BridgeSocketGuard extends ChannelOutboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeSocketGuard.class);

  private final int maxPendingBytes;
  private final BridgeMeters counters;
  private final String remote;
  private final MemoryBudget.Share unsent;
  private final UnansweredRequests unanswered;
  private long pending;
  private boolean closing;

  /**
   * @param unsent     this connection's share of the bridge's budget, closed by the bridge when the connection ends
   * @param unanswered told of every write: the one that carries a message awaiting a reply makes it this connection's
   */
  BridgeSocketGuard(int maxPendingBytes, BridgeMeters counters, String remote, MemoryBudget.Share unsent,
                    UnansweredRequests unanswered) {
    this.maxPendingBytes = maxPendingBytes;
    this.unanswered = unanswered;
    this.unsent = unsent;
    this.counters = counters;
    this.remote = remote;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf buf && buf.isReadable()) {
      unanswered.written();
      int bytes = buf.readableBytes();
      pending += bytes;
      if (pending > maxPendingBytes && !closing) {
        refuse(ctx, msg, promise, Refusal.SLOW_CLIENT, pending + " bytes unread");
        return;
      }
      if (!unsent.tryReserve(bytes)) {
        pending -= bytes;
        if (!closing) {
          refuse(ctx, msg, promise, Refusal.BUFFER_BUDGET, "out of buffer space (limit " + maxBufferedBytes() + ")");
        } else {
          ReferenceCountUtil.release(msg);
          promise.tryFailure(new IllegalStateException("bridge client closing"));
        }
        return;
      }
      ChannelPromise tracked = promise.unvoid();
      tracked.addListener(done -> {
        pending -= bytes;
        unsent.release(bytes);
      });
      ctx.write(msg, tracked);
    } else {
      ctx.write(msg, promise);
    }
  }

  private long maxBufferedBytes() {
    return unsent.budget().max();
  }

  private void refuse(ChannelHandlerContext ctx, Object msg, ChannelPromise promise, Refusal why, String reason) {
    closing = true;
    counters.count(why);
    LOG.info("bridge client {}: {}, closing", remote, reason);
    ReferenceCountUtil.release(msg);
    promise.tryFailure(new IllegalStateException("bridge client " + remote + ": " + reason));
    ctx.close();
  }
}
