package dev.switchboard.udp;

import dev.switchboard.bus.BusRequestException;
import dev.switchboard.bus.FailureCodes;
import dev.switchboard.bus.UdpSendRequest;
import dev.switchboard.bus.UdpSendResult;
import dev.switchboard.config.UdpConfig;
import dev.switchboard.listen.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.eventbus.Message;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Serves {@code udp.send}: sends one datagram from a fresh ephemeral socket and, if asked, waits for the first
 * datagram back from the destination. Destinations outside {@code send.allow} are refused after name resolution, so
 * the service cannot be made to send to other hosts, whatever name it is given.
 */
final class UdpSender {

  private final Vertx vertx;
  private final UdpConfig config;
  private final UdpMeters meters;
  private int inFlight;

  UdpSender(Vertx vertx, UdpConfig config, UdpMeters meters) {
    this.vertx = vertx;
    this.config = config;
    this.meters = meters;
  }

  void handle(Message<Object> message) {
    meters.onSendRequest();
    UdpSendRequest request;
    try {
      request = check(UdpSendRequest.fromJson(message.body()));
    } catch (BusRequestException e) {
      message.fail(e.code(), e.getMessage());
      return;
    }
    inFlight++;
    resolve(request.host())
        .compose(address -> send(request, address))
        .onComplete(done -> {
          inFlight--;
          if (done.succeeded()) {
            message.reply(done.result().toJson());
          } else if (done.cause() instanceof BusRequestException e) {
            message.fail(e.code(), e.getMessage());
          } else {
            message.fail(FailureCodes.FAILED, "send failed: " + done.cause().getMessage());
          }
        });
  }

  private UdpSendRequest check(UdpSendRequest request) {
    if (request.data().length() > config.maxDatagramBytes()) {
      throw new BusRequestException(FailureCodes.TOO_LARGE,
          "data is " + request.data().length() + " bytes, over maxDatagramBytes " + config.maxDatagramBytes());
    }
    if (request.awaitReply() && request.timeout().compareTo(config.sendMaxTimeout()) > 0) {
      throw new BusRequestException(FailureCodes.BAD_REQUEST,
          "timeoutMs " + request.timeout().toMillis() + " is over the limit " + config.sendMaxTimeout().toMillis());
    }
    if (inFlight >= config.sendMaxInFlight()) {
      throw new BusRequestException(FailureCodes.BUSY, config.sendMaxInFlight() + " sends already in progress");
    }
    return request;
  }

  private Future<InetAddress> resolve(String host) {
    return vertx.<InetAddress>executeBlocking(() -> {
      try {
        return InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new BusRequestException(FailureCodes.BAD_REQUEST, "unknown host " + host);
      }
    }, false).compose(address -> config.sendAllow().allows(address)
        ? Future.succeededFuture(address)
        : Future.failedFuture(new BusRequestException(FailureCodes.FORBIDDEN, "destination " + host
            + (host.equals(address.getHostAddress()) ? "" : " (" + address.getHostAddress() + ")")
            + " is not in udp.send.allow [" + config.sendAllow() + "]")));
  }

  private Future<UdpSendResult> send(UdpSendRequest request, InetAddress address) {
    boolean ipv6 = address instanceof Inet6Address;
    DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(ipv6));
    DatagramChannels.readBufferBytes(socket, config.maxDatagramBytes() + 1);
    Promise<UdpSendResult> result = Promise.promise();
    String destination = address.getHostAddress();
    if (request.awaitReply()) {
      socket.handler(packet -> {
        // Only the destination's answer counts; anything else reaching the ephemeral port is ignored.
        if (packet.sender().port() == request.port() && sameAddress(packet.sender().hostAddress(), address)) {
          result.tryComplete(new UdpSendResult(true, packet.data(), Addresses.remote(packet.sender()), false));
        }
      });
    }
    socket.listen(0, ipv6 ? "::" : "0.0.0.0")
        .compose(s -> s.send(request.data(), request.port(), destination))
        .onSuccess(sent -> {
          if (!request.awaitReply()) {
            result.tryComplete(new UdpSendResult(true, null, null, false));
          } else {
            long timer = vertx.setTimer(request.timeout().toMillis(),
                t -> result.tryComplete(new UdpSendResult(true, null, null, true)));
            result.future().onComplete(done -> vertx.cancelTimer(timer));
          }
        })
        .onFailure(result::tryFail);
    return result.future().eventually(socket::close);
  }

  private static boolean sameAddress(String host, InetAddress address) {
    try {
      return InetAddress.getByName(host).equals(address);
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
