package dev.switchboard.access;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;

/**
 * Vert.x's HTTP/1.x server pipeline, as a server's connection handler finds it: where Vert.x's request decoder is, and
 * a way to see each request head it decodes, bytes included, before Vert.x acts on it. Vert.x names its handlers and
 * keeps its decoder in an internal package.
 */
public final class Http1Pipeline {

  /** The name of Vert.x's HTTP/1.x request decoder; HTTP/2 pipelines have none. */
  public static final String DECODER = "httpDecoder";
  /** The name of the handler Vert.x puts in an HTTP/1.x pipeline that may still be upgraded to h2c. */
  private static final String H2C_UPGRADE = "h2c";

  private Http1Pipeline() {
  }

  /** What Vert.x's HTTP/1.x request decoder made of one read. */
  @FunctionalInterface
  public interface DecodeInspector {

    /**
     * Called after each decoding step: the bytes of {@code buffer} from {@code from} to its reader index were consumed,
     * and made the messages of {@code out} from index {@code firstNew} on, which the inspector may change, or remove
     * and release.
     */
    void decoded(ByteBuf buffer, int from, List<Object> out, int firstNew);
  }

  /** Whether the pipeline holds Vert.x's own HTTP/1.x request decoder (not replaced, not HTTP/2). */
  public static boolean hasVertxDecoder(ChannelPipeline pipeline) {
    return pipeline.get(DECODER) instanceof VertxHttpRequestDecoder;
  }

  /** Whether the connection may still be upgraded to h2c: Vert.x has then already decoded its first request head. */
  public static boolean mayUpgradeToH2c(ChannelPipeline pipeline) {
    return pipeline.get(H2C_UPGRADE) != null;
  }

  /**
   * Replaces Vert.x's decoder with one that decodes as it does, configured by the same {@code options}, and shows
   * {@code inspector} every step.
   */
  public static void inspectDecoding(ChannelPipeline pipeline, HttpServerOptions options, DecodeInspector inspector) {
    pipeline.replace(DECODER, DECODER, new InspectedDecoder(options, inspector));
  }
}
