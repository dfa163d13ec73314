package dev.switchboard.access;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;

/** Vert.x's HTTP/1.x request decoder, with a {@link Http1Pipeline.DecodeInspector} shown every step. */
final class InspectedDecoder extends VertxHttpRequestDecoder {

  private final Http1Pipeline.DecodeInspector inspector;

  InspectedDecoder(HttpServerOptions options, Http1Pipeline.DecodeInspector inspector) {
    super(options);
    this.inspector = inspector;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    int from = buffer.readerIndex();
    int firstNew = out.size();
    super.decode(ctx, buffer, out);
    inspector.decoded(buffer, from, out, firstNew);
  }
}
