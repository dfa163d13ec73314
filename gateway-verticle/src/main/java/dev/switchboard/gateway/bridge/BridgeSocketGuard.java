package dev.switchboard.gateway.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Vert.x bridge lacks, first in each bridge connection's pipeline: a maximum frame size, checked from each
 * frame's 4-byte length before its payload is buffered, and a bound on what waits unsent for a client that does not
 * read (the bridge writes every message without looking at the write queue). Either closes the connection with a log
 * line; an oversized frame also gets an error frame first.
 */
final class BridgeSocketGuard extends ChannelDuplexHandler {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeSocketGuard.class);

  private final int maxFrameBytes;
  private final int maxPendingBytes;
  private final String remote;
  private int headerBytesSeen;
  private int header;
  private long payloadLeft;
  private long pending;
  private boolean closing;

  BridgeSocketGuard(int maxFrameBytes, int maxPendingBytes, String remote) {
    this.maxFrameBytes = maxFrameBytes;
    this.maxPendingBytes = maxPendingBytes;
    this.remote = remote;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof ByteBuf buf) {
      for (int i = buf.readerIndex(); i < buf.writerIndex(); ) {
        if (payloadLeft > 0) {
          int skip = (int) Math.min(payloadLeft, buf.writerIndex() - i);
          payloadLeft -= skip;
          i += skip;
          continue;
        }
        header = (header << 8) | (buf.getByte(i++) & 0xFF);
        if (++headerBytesSeen == 4) {
          long length = header & 0xFFFFFFFFL;
          headerBytesSeen = 0;
          header = 0;
          if (length > maxFrameBytes) {
            ReferenceCountUtil.release(msg);
            refuse(ctx, "frame of " + length + " bytes over the limit of " + maxFrameBytes);
            return;
          }
          payloadLeft = length;
        }
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf buf && buf.isReadable()) {
      int bytes = buf.readableBytes();
      pending += bytes;
      if (pending > maxPendingBytes && !closing) {
        closing = true;
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

  private void refuse(ChannelHandlerContext ctx, String reason) {
    closing = true;
    LOG.info("bridge client {}: {}, closing", remote, reason);
    byte[] json = new JsonObject().put("type", "err").put("message", reason).encode().getBytes(StandardCharsets.UTF_8);
    ByteBuf frame = Unpooled.buffer(4 + json.length).writeInt(json.length).writeBytes(json);
    ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
  }
}
