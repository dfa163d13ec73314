package dev.switchboard.gateway.screen;

import dev.switchboard.access.Http1Pipeline;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * The gateway's screen on every head Vert.x's HTTP/1.x request decoder decodes (see {@link RequestScreen}), the raw
 * bytes included. A refused head reaches Vert.x as Netty's own parse failures do, as a request with a failed decoder
 * result, so one invalid-request handler answers them all. A body whose chunked framing is broken gets a 400 here,
 * where Vert.x would only close the connection; either way the connection then closes.
 */
public final class DecoderScreen implements Http1Pipeline.DecodeInspector {

  private final HeadScanner scanner = new HeadScanner();
  private final Rejections rejections;
  private boolean inHead = true;

  public DecoderScreen(Rejections rejections) {
    this.rejections = rejections;
  }

  @Override
  public void decoded(ByteBuf buffer, int from, List<Object> out, int firstNew) {
    if (inHead) {
      scanner.scan(buffer, from, buffer.readerIndex());
    }
    for (int i = firstNew; i < out.size(); i++) {
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
