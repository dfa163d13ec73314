package dev.switchboard.bridge;

import dev.switchboard.bridge.BridgeMeters.Refusal;
import dev.switchboard.connection.UnsentBytes;
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
  private final BridgeMeters meters;
  private final String remote;
  private final MemoryBudget.Share reserved;
  private final UnansweredRequests unanswered;
  private final UnsentBytes unsent = new UnsentBytes();
  /** One completion for every write: the bytes go back to the budget once the socket has taken them. */
  private final UnsentBytes.Completion onWritten;
  private boolean closing;

  /**
   * @param reserved   this connection's share of the bridge's budget, closed by the bridge when the connection ends
   * @param unanswered told of every write: the one that carries a message awaiting a reply makes it this connection's
   */
  BridgeSocketGuard(int maxPendingBytes, BridgeMeters meters, String remote, MemoryBudget.Share reserved,
                    UnansweredRequests unanswered) {
    this.maxPendingBytes = maxPendingBytes;
    this.unanswered = unanswered;
    this.reserved = reserved;
    this.onWritten = (bytes, failed) -> reserved.release(bytes);
    this.meters = meters;
    this.remote = remote;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf buf && buf.isReadable()) {
      unanswered.written();
      int bytes = buf.readableBytes();
      long pending = unsent.pending() + bytes;
      if (pending > maxPendingBytes && !closing) {
        refuse(ctx, msg, promise, Refusal.SLOW_CLIENT, pending + " bytes unread");
        return;
      }
      if (!reserved.tryReserve(bytes)) {
        if (!closing) {
          refuse(ctx, msg, promise, Refusal.BUFFER_BUDGET, "out of buffer space (limit " + maxBufferedBytes() + ")");
        } else {
          ReferenceCountUtil.release(msg);
          promise.tryFailure(new IllegalStateException("bridge client closing"));
        }
        return;
      }
      unsent.write(ctx, buf, promise, onWritten);
    } else {
      ctx.write(msg, promise);
    }
  }

  private long maxBufferedBytes() {
    return reserved.budget().max();
  }

  private void refuse(ChannelHandlerContext ctx, Object msg, ChannelPromise promise, Refusal why, String reason) {
    closing = true;
    meters.count(why);
    LOG.info("bridge client {}: {}, closing", remote, reason);
    ReferenceCountUtil.release(msg);
    promise.tryFailure(new IllegalStateException("bridge client " + remote + ": " + reason));
    ctx.close();
  }
}
