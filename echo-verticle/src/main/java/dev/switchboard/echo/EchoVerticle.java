package dev.switchboard.echo;

import dev.switchboard.config.EchoConfig;
import dev.switchboard.config.EchoListenerConfig;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.listen.ListenFailure;
import dev.switchboard.listen.ListeningVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The TCP echo service: one NetServer per configured listener. */
public final class EchoVerticle extends VerticleBase implements ListeningVerticle {

  private final EchoConfig config;
  private final List<BoundListener> bound = new CopyOnWriteArrayList<>();

  public EchoVerticle(EchoConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    return Future.all(config.listeners().stream().map(this::listen).toList());
  }

  private Future<NetServer> listen(EchoListenerConfig listener) {
    NetServerOptions options = new NetServerOptions()
        .setTcpNoDelay(listener.tcpNoDelay())
        .setReusePort(listener.reusePort())
        .setAcceptBacklog(listener.acceptBacklog());
    SocketAddress address = listener.isUnixSocket()
        ? SocketAddress.domainSocketAddress(listener.unixSocket())
        : SocketAddress.inetSocketAddress(listener.port(), listener.host());
    return vertx.createNetServer(options)
        .connectHandler(socket -> socket.pipeTo(socket))
        .listen(address)
        .onSuccess(server -> bound.add(new BoundListener("echo", listener.name(), listener.isUnixSocket() ? "unix" : "tcp",
            listener.isUnixSocket() ? listener.unixSocket() : listener.withPort(server.actualPort()).configuredAddress(),
            listener.isUnixSocket() ? -1 : server.actualPort())))
        .recover(err -> Future.failedFuture(new ListenFailure("echo", listener.name(), listener.configuredAddress(), err)));
  }

  @Override
  public List<BoundListener> boundListeners() {
    return List.copyOf(bound);
  }
}
