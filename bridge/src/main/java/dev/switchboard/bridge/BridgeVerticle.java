package dev.switchboard.bridge;

import dev.switchboard.access.NettyChannels;
import dev.switchboard.access.TcpBridgeProtocol;
import dev.switchboard.bus.FailureCodes;
import dev.switchboard.config.BridgeConfig;
import dev.switchboard.listen.Addresses;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.listen.ListenFailure;
import dev.switchboard.listen.ListeningVerticle;
import dev.switchboard.net.MemoryBudget;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge (protocol: docs/bridge-protocol.md). The protocol is Vert.x's own bridge; this verticle
 * owns the listening socket so that it can admit connections against {@code maxConnections} and put a
 * {@link BridgeFrameFilter} and a {@link BridgeSocketGuard} in each connection, after TLS and before the bridge reads
 * a byte; a {@link BridgePolicy} decides each frame the filter lets through.
 */
public final class BridgeVerticle extends VerticleBase implements ListeningVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeVerticle.class);
  /** The failure message of what a client left unanswered when its connection closed. */
  static final String DISCONNECTED = "bridge client disconnected before answering";

  private final BridgeConfig config;
  private final BridgeMeters meters;
  private final MemoryBudget budget;
  private final BridgeFrameValidator validator;
  private final ThrottledWarning warnings = new ThrottledWarning(LOG);
  private final Buffer tooMany;
  private volatile List<BoundListener> bound = List.of();

  /**
   * @param meters shared by every instance: the connection limit counts across them
   * @param budget   the bytes all connections may hold ({@code bridge.maxBufferedBytes}), shared by every instance
   */
  public BridgeVerticle(BridgeConfig config, BridgeMeters meters, MemoryBudget budget) {
    this.config = config;
    this.meters = meters;
    this.budget = budget;
    this.validator = new BridgeFrameValidator(config.token());
    this.tooMany = Buffer.buffer(BridgeFrameFilter.frameBytes(new JsonObject().put("type", "err")
        .put("message", "too many connections (limit " + config.maxConnections() + ")")));
  }

  @Override
  public Future<?> start() {
    BridgeOptions permitted = new BridgeOptions();
    config.send().regexes().forEach(r -> permitted.addInboundPermitted(new PermittedOptions().setAddressRegex(r)));
    config.publish().regexes().forEach(r -> permitted.addInboundPermitted(new PermittedOptions().setAddressRegex(r)));
    config.register().regexes().forEach(r -> permitted.addOutboundPermitted(new PermittedOptions().setAddressRegex(r)));
    config.receive().regexes().forEach(r -> permitted.addOutboundPermitted(new PermittedOptions().setAddressRegex(r)));
    BridgePolicy policy = new BridgePolicy(config, warnings);
    vertx.eventBus().addInboundInterceptor(UnansweredRequests.INTERCEPTOR);
    Handler<NetSocket> protocol = TcpBridgeProtocol.of(TcpEventBusBridge.create(vertx, permitted, new NetServerOptions(),
        policy::handle));

    NetServerOptions options = new NetServerOptions()
        .setIdleTimeout((int) config.idleTimeout().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    String transport = "tcp";
    if (config.tls() != null) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(config.tls().certPath()).setKeyPath(config.tls().keyPath()));
      transport = "tls";
    }
    String boundTransport = transport;
    String configured = Addresses.hostPort(config.host(), config.port());
    return vertx.createNetServer(options)
        .connectHandler(socket -> accept(socket, policy, protocol))
        .listen(config.port(), config.host())
        .onSuccess(server -> bound = List.of(new BoundListener("bridge", "eventbus", boundTransport,
            Addresses.hostPort(config.host(), server.actualPort()), server.actualPort())))
        .recover(err -> Future.failedFuture(new ListenFailure("bridge", "eventbus", configured, err)));
  }

  @Override
  public Future<?> stop() {
    vertx.eventBus().removeInboundInterceptor(UnansweredRequests.INTERCEPTOR);
    return Future.succeededFuture();
  }

  private void accept(NetSocket socket, BridgePolicy policy, Handler<NetSocket> protocol) {
    String remote = Addresses.remote(socket.remoteAddress());
    if (!meters.tryOpen(config.maxConnections())) {
      warnings.warn(() -> "bridge client " + remote + ": refused, " + config.maxConnections() + " connections open");
      socket.write(tooMany);
      socket.close();
      return;
    }
    MemoryBudget.Share unfinished = budget.share();
    MemoryBudget.Share unsent = budget.share();
    UnansweredRequests unanswered = new UnansweredRequests();
    socket.closeHandler(v -> {
      meters.closed();
      unfinished.close();
      unsent.close();
      failUnanswered(unanswered, remote);
    });
    // After TLS (so they see plain frames) and before Vert.x's handler, which feeds the bridge's parser.
    ChannelHandlerContext vertxHandler = NettyChannels.handlerOf(socket);
    // With Netty's default watermark (64 KiB), Vert.x 5 keeps what a client does not read in an outbound queue of its
    // own, above the pipeline, where neither maxPendingBytes nor the budget would see it: the channel stays writable,
    // and the guard is what bounds the output.
    vertxHandler.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(Integer.MAX_VALUE / 2, Integer.MAX_VALUE));
    vertxHandler.pipeline()
        .addBefore(vertxHandler.name(), "switchboard-bridge-guard",
            new BridgeSocketGuard(config.maxPendingBytes(), meters, remote, unsent, unanswered))
        .addBefore(vertxHandler.name(), "switchboard-bridge-frames",
            new BridgeFrameFilter(validator, policy::mayRegister, config.maxFrameBytes(), meters, warnings, remote,
                unfinished, unanswered));
    protocol.handle(socket);
  }

  /** Those waiting for this client's answer learn at once that none will come, rather than after their timeout. */
  private void failUnanswered(UnansweredRequests unanswered, String remote) {
    int waiting = unanswered.size();
    if (waiting > 0) {
      // Counted first: whoever sees a failure then also sees it counted.
      meters.unanswered(waiting);
      LOG.info("bridge client {}: closed with {} messages unanswered, failing them (code {})", remote, waiting,
          FailureCodes.DISCONNECTED);
      unanswered.failAll(FailureCodes.DISCONNECTED, DISCONNECTED);
    }
  }

  @Override
  public List<BoundListener> boundListeners() {
    return bound;
  }
}
