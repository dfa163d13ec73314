package dev.switchboard.bridge;

import dev.switchboard.bridge.BridgeFrameValidator.Accepted;
import dev.switchboard.bridge.BridgeFrameValidator.Refused;
import dev.switchboard.bridge.BridgeFrameValidator.Verdict;
import dev.switchboard.bridge.BridgeMeters.Refusal;
import dev.switchboard.net.MemoryBudget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each bridge connection's input, after TLS and before the Vert.x bridge: cuts the stream into frames, refuses a
 * declared length over {@code maxFrameBytes} before its payload is held (error frame, then close), and passes on only
 * frames the {@link BridgeFrameValidator} accepts, one at a time. Any other frame gets an error frame here and the
 * connection goes on. So the bridge's own parser always holds whole, readable frames, and what a connection holds
 * unprocessed is at most one frame. The bytes of that unfinished frame are reserved in the bridge's
 * {@link MemoryBudget} ({@code maxBufferedBytes}, shared by every connection) as they arrive: a frame the budget has no
 * room for gets an error frame, and the connection closes.
 *
 * <p>It also keeps the addresses the connection registered: the Vert.x bridge would replace its consumer for an
 * address registered twice without unregistering the first, which then outlives the connection. A second register
 * of the same address is dropped (the client is registered already). And transport failures (a reset, a bad TLS
 * record) end the connection with one log line here, rather than an ERROR with a stack trace in the bridge.
 */
final class BridgeFrameFilter extends ByteToMessageDecoder {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeFrameFilter.class);

  private final BridgeFrameValidator validator;
  private final Predicate<String> registrable;
  private final int maxFrameBytes;
  private final BridgeMeters meters;
  private final ThrottledWarning warnings;
  private final String remote;
  private final MemoryBudget.Share unfinished;
  private final UnansweredRequests unanswered;
  private final Set<String> registered = new HashSet<>();
  private boolean closing;

  /**
   * @param registrable whether the bridge registers an address (its allow-lists): then a register frame creates a
   *                    consumer, and a second one for the same address would create a stray
   * @param unfinished  this connection's share of the bridge's budget, closed by the bridge when the connection ends
   * @param unanswered  the messages this connection was handed: a {@code send} to one's reply address answers it
   */
  BridgeFrameFilter(BridgeFrameValidator validator, Predicate<String> registrable, int maxFrameBytes,
                    BridgeMeters meters, ThrottledWarning warnings, String remote, MemoryBudget.Share unfinished,
                    UnansweredRequests unanswered) {
    this.unfinished = unfinished;
    this.unanswered = unanswered;
    this.validator = validator;
    this.registrable = registrable;
    this.maxFrameBytes = maxFrameBytes;
    this.meters = meters;
    this.warnings = warnings;
    this.remote = remote;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (closing) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < 4) {
      holdUnfinished(ctx, in);
      return;
    }
    long length = in.getUnsignedInt(in.readerIndex());
    if (length > maxFrameBytes) {
      in.skipBytes(in.readableBytes());
      meters.count(Refusal.FRAME_TOO_LONG);
      refuseAndClose(ctx, "frame of " + length + " bytes over the limit of " + maxFrameBytes);
      return;
    }
    if (in.readableBytes() < 4 + length) {
      holdUnfinished(ctx, in);
      return;
    }
    ByteBuf frame = in.readSlice(4 + (int) length);
    holdUnfinished(ctx, in);
    if (closing) {
      return;
    }
    Verdict verdict = validator.check(Buffer.buffer(ByteBufUtil.getBytes(frame, frame.readerIndex() + 4, (int) length)));
    if (verdict instanceof Refused refused) {
      meters.count("invalid_token".equals(refused.code()) ? Refusal.INVALID_TOKEN : Refusal.INVALID_FRAME);
      warnings.warn(() -> "bridge client " + remote + ": frame refused, " + refused.code() + ": " + refused.detail());
      ctx.writeAndFlush(encode(refused.toFrame()));
      return;
    }
    Accepted accepted = (Accepted) verdict;
    if ("register".equals(accepted.type()) && registrable.test(accepted.address())
        && !registered.add(accepted.address())) {
      meters.count(Refusal.DUPLICATE_REGISTER);
      LOG.debug("bridge client {}: {} registered already", remote, accepted.address());
      return;
    }
    if ("unregister".equals(accepted.type())) {
      registered.remove(accepted.address());
    }
    if ("send".equals(accepted.type())) {
      unanswered.answered(accepted.address());
    }
    out.add(accepted.rewritten() == null ? frame.retain() : encode(accepted.rewritten()));
  }

  /** Reserves what is left in the input after the frames taken from it: the next, unfinished frame. */
  private void holdUnfinished(ChannelHandlerContext ctx, ByteBuf in) {
    if (!unfinished.tryResize(in.readableBytes())) {
      in.skipBytes(in.readableBytes());
      unfinished.close();
      meters.count(Refusal.BUFFER_BUDGET);
      refuseAndClose(ctx, "out of buffer space (limit " + unfinished.budget().max() + ")");
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (isTransportFault(cause)) {
      LOG.info("bridge client {}: {}, closing", remote, BridgeFrameValidator.clip(String.valueOf(cause.getMessage())));
    } else {
      LOG.warn("bridge client {}: unexpected failure, closing", remote, cause);
    }
    ctx.close();
  }

  private static boolean isTransportFault(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof SSLException) {
        return true;
      }
    }
    return false;
  }

  private void refuseAndClose(ChannelHandlerContext ctx, String reason) {
    closing = true;
    LOG.info("bridge client {}: {}, closing", remote, reason);
    // Closed in a task of its own, not from the write's listener: that can run inside the read TLS is decrypting,
    // and closing there spoilt the error frame's record (the Python client saw "bad record mac").
    ctx.writeAndFlush(encode(new JsonObject().put("type", "err").put("message", reason)))
        .addListener(written -> ctx.executor().execute(ctx::close));
  }

  /** One frame: the 4-byte length, then the JSON. */
  static ByteBuf encode(JsonObject message) {
    return Unpooled.wrappedBuffer(frameBytes(message));
  }

  static byte[] frameBytes(JsonObject message) {
    byte[] json = message.encode().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json).array();
  }
}
