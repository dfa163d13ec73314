package dev.switchboard.gateway.screen;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;

/**
 * Vert.x's HTTP/1.x request decoder with the gateway's screen on every head it decodes (see {@link RequestScreen}).
 * A refused head reaches Vert.x as Netty's own parse failures do, as a request with a failed decoder result, so one
 * invalid-request handler answers them all. A body whose chunked framing is broken gets a 400 here, where Vert.x
 * would only close the connection; either way the connection then closes.
 */
public final class ScreeningDecoder extends VertxHttpRequestDecoder {

  private final HeadScanner scanner = new HeadScanner();
  private final Rejections rejections;
  private boolean inHead = true;

  public ScreeningDecoder(HttpServerOptions options, Rejections rejections) {
    super(options);
    this.rejections = rejections;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    int from = buffer.readerIndex();
    int before = out.size();
    super.decode(ctx, buffer, out);
    if (inHead) {
      scanner.scan(buffer, from, buffer.readerIndex());
    }
    for (int i = before; i < out.size(); i++) {
      Object msg = out.get(i);
      if (msg instanceof HttpRequest request) {
        inHead = false;
        RequestScreen.apply(request, scanner.folded(), rejections);
      } else if (msg instanceof HttpContent content && !content.decoderResult().isSuccess()) {
        // Broken chunk framing: Vert.x would close without a word. Nothing after it is decoded any more.
        for (int last = out.size() - 1; last >= i; last--) {
          ReferenceCountUtil.release(out.remove(last));
        }
        rejections.rejectBody(400, RequestScreen.MALFORMED_CHUNKS);
        return;
      }
      if (msg instanceof LastHttpContent) {
        inHead = true;
        scanner.reset();
      }
    }
  }
}
