package dev.switchboard.gateway.screen;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

/**
 * The screen for connections that keep Vert.x's own decoder: with h2c on, Vert.x decodes the first request before the
 * gateway sees the connection, and a decoder swapped in then would take that request's body for a new head. It sits
 * after the decoder and screens what it decodes; only obsolete line folding, which the decoded head no longer shows,
 * passes (joined with a space, which RFC 9112 §5.2 allows).
 */
public final class ScreeningHandler extends ChannelInboundHandlerAdapter {

  private final Rejections rejections;

  public ScreeningHandler(Rejections rejections) {
    this.rejections = rejections;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      RequestScreen.apply(request, false, rejections);
    } else if (msg instanceof HttpContent content && !content.decoderResult().isSuccess()) {
      ReferenceCountUtil.release(msg);
      rejections.rejectBody(400, RequestScreen.MALFORMED_CHUNKS);
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
