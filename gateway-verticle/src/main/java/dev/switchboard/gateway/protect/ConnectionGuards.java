package dev.switchboard.gateway.protect;

import dev.switchboard.access.Http1Pipeline;
import dev.switchboard.access.NettyChannels;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.connection.Timers;
import dev.switchboard.gateway.meters.GatewayMeters;
import dev.switchboard.gateway.http.ConnectionEnd;
import dev.switchboard.gateway.screen.DecoderScreen;
import dev.switchboard.gateway.screen.ScreeningHandler;
import dev.switchboard.listen.Addresses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.util.AttributeKey;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits connections against {@code limits.maxConnections}, puts a {@link ConnectionGuard} first in each one's Netty
 * pipeline, and tells it where each request is. The last request a connection may carry
 * ({@code limits.maxRequestsPerConnection}) is answered with {@code Connection: close}.
 */
public final class ConnectionGuards {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuards.class);
  private static final AttributeKey<ConnectionGuard> GUARD = AttributeKey.valueOf("switchboard.connectionGuard");

  private final Vertx vertx;
  private final Supplier<GatewayConfig> config;
  private final GatewayMeters meters;
  private final HttpServerOptions serverOptions;

  /**
   * @param config        the configuration in force, read per connection and request (a reload may change its limits
   *                      and clocks)
   * @param serverOptions the options the server was made with: the screening decoder needs its size limits
   */
  public ConnectionGuards(Vertx vertx, Supplier<GatewayConfig> config, GatewayMeters meters,
                          HttpServerOptions serverOptions) {
    this.vertx = vertx;
    this.config = config;
    this.meters = meters;
    this.serverOptions = serverOptions;
  }

  /** The server's connection handler. */
  public void onConnection(HttpConnection connection) {
    GatewayConfig now = config.get();
    if (!meters.tryOpenConnection(now.limits().maxConnections())) {
      LOG.debug("gateway connection from {} refused: {} open", remote(connection), now.limits().maxConnections());
      connection.close();
      return;
    }
    connection.closeHandler(v -> meters.onConnectionGone());
    // A refused request ends in a connection exception (the decoder's failure), which Vert.x would log at ERROR
    // once per bad request; the refusal has been answered, logged and counted by then.
    connection.exceptionHandler(err -> LOG.debug("gateway connection from {}: {}", remote(connection), err.toString()));
    ChannelHandlerContext channel = NettyChannels.handlerOf(connection);
    ConnectionGuard guard = new ConnectionGuard(Timers.of(vertx), System::nanoTime, now.timeouts(), meters,
        remote(connection));
    channel.channel().attr(GUARD).set(guard);
    channel.pipeline().addFirst("switchboard-guard", guard);
    // Vert.x calls this handler as soon as it has built the HTTP/1 pipeline, before the decoder has read a byte, so
    // the screening decoder takes over from the first one. Not with h2c on: Vert.x then calls it once the first
    // request's head is decoded (to see whether it asks for an upgrade), and a decoder swapped in mid-request would
    // take the body for a new head; a screening handler after Vert.x's decoder serves there, from that first request on.
    ChannelPipeline pipeline = channel.pipeline();
    if (Http1Pipeline.hasVertxDecoder(pipeline)) {
      if (!Http1Pipeline.mayUpgradeToH2c(pipeline)) {
        Http1Pipeline.inspectDecoding(pipeline, serverOptions, new DecoderScreen(guard));
      } else {
        pipeline.addBefore(channel.name(), "switchboard-screen", new ScreeningHandler(guard));
      }
    }
  }

  /** A router handler, run first for every request. */
  public void onRequest(RoutingContext ctx) {
    ConnectionGuard guard = guardOf(ctx.request());
    if (guard != null) {
      int carried = guard.requestStarted(ctx.request());
      if (carried >= config.get().limits().maxRequestsPerConnection()) {
        ConnectionEnd.afterResponse(ctx);
      }
      ctx.addEndHandler(done -> guard.responseEnded());
    }
    ctx.next();
  }

  /**
   * Stops or restarts the body clock of the request's connection: a streamed request body is read only as the
   * application grants credit, and while it grants none the client is not the one stalling.
   */
  public static void bodyClock(HttpServerRequest request, boolean running) {
    ConnectionGuard guard = guardOf(request);
    if (guard != null) {
      guard.bodyClock(running);
    }
  }

  private static ConnectionGuard guardOf(HttpServerRequest request) {
    return NettyChannels.handlerOf(request.connection()).channel().attr(GUARD).get();
  }

  private static String remote(HttpConnection connection) {
    return Addresses.remote(connection.remoteAddress());
  }
}
