package dev.switchboard.udp;

import dev.switchboard.net.SourceRateLimiter;
import dev.switchboard.bus.UdpBus;
import dev.switchboard.config.UdpConfig;
import dev.switchboard.listen.Addresses;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.listen.ListenFailure;
import dev.switchboard.listen.ListeningVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of the UDP service: a datagram socket (sharing its port with the other instances through
 * SO_REUSEPORT), and a {@value UdpBus#SEND} consumer. Started means the socket is bound, the multicast group (if any)
 * joined, and the consumer registered.
 */
public final class UdpVerticle extends VerticleBase implements ListeningVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(UdpVerticle.class);

  private final UdpConfig config;
  private final UdpMeters meters;
  private final SourceRateLimiter limiter;
  private final EventHandOff events;
  private volatile List<BoundListener> bound = List.of();

  UdpVerticle(UdpConfig config, UdpMeters meters, SourceRateLimiter limiter, EventHandOff events) {
    this.config = config;
    this.meters = meters;
    this.limiter = limiter;
    this.events = events;
  }

  @Override
  public Future<?> start() {
    DatagramSocketOptions options = new DatagramSocketOptions().setIpV6(config.isIpV6()).setReusePort(config.reusePort());
    if (config.receiveBufferBytes() > 0) {
      options.setReceiveBufferSize(config.receiveBufferBytes());
    }
    if (config.sendBufferBytes() > 0) {
      options.setSendBufferSize(config.sendBufferBytes());
    }
    DatagramSocket socket = vertx.createDatagramSocket(options);
    DatagramChannels.readInBatches(socket, config.maxDatagramBytes() + 1);
    DatagramChannels.handleDatagrams(socket, new DatagramHandler(config, meters, limiter, events));
    if (config.reusePort()) {
      DatagramChannels.reusePort(socket);
    }
    socket.exceptionHandler(error -> LOG.warn("udp socket {}: {}", config.host(), error.getMessage()));
    UdpSender sender = new UdpSender(vertx, config, meters);
    MessageConsumer<Object> sends = vertx.eventBus().consumer(UdpBus.SEND, sender::handle);
    String configured = Addresses.hostPort(config.host(), config.port());
    return socket.listen(config.port(), config.host())
        .recover(err -> Future.failedFuture(new ListenFailure("udp", "udp", configured, err)))
        .compose(this::joinGroup)
        .onSuccess(s -> {
          int port = s.localAddress().port();
          String address = Addresses.hostPort(config.host(), port);
          bound = List.of(new BoundListener("udp", "udp", "udp", address, port));
        })
        .compose(s -> sends.completion());
  }

  private Future<DatagramSocket> joinGroup(DatagramSocket socket) {
    if (config.multicastGroup().isEmpty()) {
      return Future.succeededFuture(socket);
    }
    Future<Void> joined = config.multicastInterface().isEmpty()
        ? socket.listenMulticastGroup(config.multicastGroup())
        : socket.listenMulticastGroup(config.multicastGroup(), config.multicastInterface(), null);
    return joined.map(socket).recover(err -> Future.failedFuture(new ListenFailure("udp", "multicast",
        config.multicastGroup() + (config.multicastInterface().isEmpty() ? "" : " on " + config.multicastInterface()), err)));
  }

  @Override
  public List<BoundListener> boundListeners() {
    return bound;
  }
}
