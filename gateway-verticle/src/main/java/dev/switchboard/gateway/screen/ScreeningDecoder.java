package dev.switchboard.gateway.screen;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
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

  /** Where the decoder asks for an answer it cannot give through Vert.x. */
  public interface Rejections {
    /** The connection is closing after a refusal: it should wait for the client to stop sending first. */
    void lingerOnClose();

    /** The body is malformed and the response has not begun: send this status and close. */
    void rejectBody(ChannelHandlerContext ctx, int status, String message);
  }

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
        screen(request);
      } else if (msg instanceof HttpContent content && !content.decoderResult().isSuccess()) {
        // Broken chunk framing: Vert.x would close without a word. Nothing after it is decoded any more.
        for (int last = out.size() - 1; last >= i; last--) {
          ReferenceCountUtil.release(out.remove(last));
        }
        rejections.rejectBody(ctx, 400, "malformed chunked request body");
        return;
      }
      if (msg instanceof LastHttpContent) {
        inHead = true;
        scanner.reset();
      }
    }
  }

  private void screen(HttpRequest request) {
    if (request.decoderResult().isSuccess()) {
      RequestScreen.Verdict verdict = RequestScreen.check(request, scanner.folded());
      if (verdict.refusal() == null) {
        if (!verdict.target().equals(request.uri())) {
          request.setUri(verdict.target());
        }
        return;
      }
      request.setDecoderResult(DecoderResult.failure(verdict.refusal()));
    }
    // The answer repeats the request's version: make it ours, not a client's "HTTP/2.0" or garbage.
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    rejections.lingerOnClose();
  }
}
