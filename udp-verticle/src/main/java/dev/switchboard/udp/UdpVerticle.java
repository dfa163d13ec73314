package dev.switchboard.udp;

import dev.switchboard.config.UdpConfig;
import dev.switchboard.listen.Addresses;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.listen.ListenFailure;
import dev.switchboard.listen.ListeningVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.util.List;

/** The UDP datagram service: every datagram goes back to its sender. */
public final class UdpVerticle extends VerticleBase implements ListeningVerticle {

  private final UdpConfig config;
  private volatile BoundListener bound;

  public UdpVerticle(UdpConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(config.host().contains(":")));
    socket.handler(packet -> socket.send(packet.data(), packet.sender().port(), packet.sender().host()));
    return socket.listen(config.port(), config.host())
        .onSuccess(s -> bound = new BoundListener("udp", "udp", "udp",
            Addresses.hostPort(config.host(), s.localAddress().port()), s.localAddress().port()))
        .recover(err -> Future.failedFuture(
            new ListenFailure("udp", "udp", Addresses.hostPort(config.host(), config.port()), err)));
  }

  @Override
  public List<BoundListener> boundListeners() {
    return bound == null ? List.of() : List.of(bound);
  }
}
