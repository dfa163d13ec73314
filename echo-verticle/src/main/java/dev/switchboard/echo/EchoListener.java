package dev.switchboard.echo;

import dev.switchboard.access.NettyChannels;
import dev.switchboard.bus.CloseReason;
import dev.switchboard.bus.ConnectionEvent;
import dev.switchboard.config.EchoListenerConfig;
import dev.switchboard.listen.Addresses;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.listen.ListenFailure;
import dev.switchboard.net.MemoryBudget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SocketAddress;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One configured echo listener: the server socket, and the admission of each connection against the limit. */
final class EchoListener {

  private static final Logger LOG = LoggerFactory.getLogger(EchoListener.class);

  private final Vertx vertx;
  private final EchoListenerConfig config;
  private final ListenerMeters meters;
  private final Consumer<ConnectionEvent> events;
  private final StopSignal stopping;
  private final MemoryBudget budget;
  private final Buffer refusal;
  private boolean warnedNoHalfClose;

  EchoListener(Vertx vertx, EchoListenerConfig config, ListenerMeters meters, Consumer<ConnectionEvent> events,
               StopSignal stopping, MemoryBudget budget) {
    this.vertx = vertx;
    this.config = config;
    this.meters = meters;
    this.events = events;
    this.stopping = stopping;
    this.budget = budget;
    this.refusal = Buffer.buffer("ERR too many connections (limit " + config.maxConnections() + ")\n");
  }

  Future<BoundListener> listen() {
    NetServerOptions options = new NetServerOptions()
        .setTcpNoDelay(config.tcpNoDelay())
        .setReusePort(config.reusePort())
        .setAcceptBacklog(config.acceptBacklog());
    String transport = config.isUnixSocket() ? "unix" : "tcp";
    if (config.tls() != null) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(config.tls().certPath())
          .setKeyPath(config.tls().keyPath()));
      transport = "tls";
    }
    SocketAddress address = config.isUnixSocket()
        ? SocketAddress.domainSocketAddress(config.unixSocket())
        : SocketAddress.inetSocketAddress(config.port(), config.host());
    String boundTransport = transport;
    NetServer netServer = vertx.createNetServer(options).connectHandler(this::accept);
    if (config.tls() != null) {
      // A failed handshake never reaches the connect handler; without this it would leave no trace at all. Logged at
      // debug level like a reset, since anyone can cause any number of them.
      netServer.exceptionHandler(error -> {
        meters.tlsHandshakeFailed();
        LOG.debug("echo {}: TLS handshake failed: {}", config.name(), error.getMessage());
      });
    }
    return netServer
        .listen(address)
        .map(server -> config.isUnixSocket()
            ? new BoundListener("echo", config.name(), boundTransport, config.unixSocket(), -1)
            : new BoundListener("echo", config.name(), boundTransport,
                config.withPort(server.actualPort()).configuredAddress(), server.actualPort()))
        .recover(err -> Future.failedFuture(new ListenFailure("echo", config.name(), config.configuredAddress(), err)));
  }

  private void accept(NetSocket socket) {
    if (!meters.tryOpen(config.maxConnections())) {
      // Told why, rather than left to guess from a reset; the counter and event say it happened.
      meters.refused();
      socket.write(refusal);
      socket.close();
      events.accept(new ConnectionEvent(ConnectionEvent.CLOSE, meters.nextConnectionId(), config.name(),
          Addresses.remote(socket.remoteAddress()), 0, refusal.length(), CloseReason.LIMIT, 0, 0));
      return;
    }
    boolean halfClose = new EchoConnection(vertx, socket, config, meters, events, stopping,
        budget).start();
    if (!halfClose && !warnedNoHalfClose) {
      warnedNoHalfClose = true;
      LOG.warn("echo listener {}: this transport cannot half-close ({}); a client's shutdown(SHUT_WR) closes the "
          + "connection at once and output still queued is lost. The native epoll transport supports it.",
          config.name(), NettyChannels.handlerOf(socket).channel().getClass().getSimpleName());
    }
  }
}
