package dev.switchboard.udp;

import dev.switchboard.net.SourceRateLimiter;
import dev.switchboard.bus.DatagramEvent;
import dev.switchboard.config.UdpConfig;
import dev.switchboard.counters.UdpCounters;
import dev.switchboard.counters.UdpCounters.Drop;
import dev.switchboard.listen.Addresses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.SocketAddress;

/**
 * What the service does with one datagram: size check, rate limit, reply, bus event. One bad datagram never affects
 * another: each outcome is counted and nothing is thrown.
 */
final class DatagramHandler {

  private final DatagramSocket socket;
  private final UdpConfig config;
  private final UdpCounters counters;
  private final SourceRateLimiter limiter;
  private final EventHandOff events;
  private final String localAddress;

  /**
   * @param limiter null when there is no rate limit
   * @param events  null when datagrams are not published
   */
  DatagramHandler(DatagramSocket socket, UdpConfig config, UdpCounters counters, SourceRateLimiter limiter,
                  EventHandOff events, String localAddress) {
    this.socket = socket;
    this.config = config;
    this.counters = counters;
    this.limiter = limiter;
    this.events = events;
    this.localAddress = localAddress;
  }

  void handle(DatagramPacket packet) {
    Buffer data = packet.data();
    counters.onReceived(data.length());
    // The read buffer is one byte larger than the limit: a datagram that fills it was larger and arrived cut off.
    if (data.length() > config.maxDatagramBytes()) {
      counters.onDropped(Drop.TRUNCATED);
      return;
    }
    SocketAddress sender = packet.sender();
    if (limiter != null && !limiter.allow(sender.hostAddress(), System.nanoTime())) {
      counters.onDropped(Drop.RATE_LIMITED);
      return;
    }
    reply(Replies.to(config.replyMode(), data), sender);
    if (events != null) {
      events.offer(new DatagramEvent(Addresses.hostPort(sender.hostAddress(), sender.port()), localAddress, data,
          System.currentTimeMillis()));
    }
  }

  private void reply(Buffer answer, SocketAddress to) {
    if (answer == null) {
      return;
    }
    if (answer.length() > config.maxDatagramBytes()) {
      counters.onDropped(Drop.REPLY_TOO_LARGE);
      return;
    }
    if (answer.length() == 0) {
      // Netty silently skips zero-length datagrams on every transport: say so in a counter instead.
      counters.onDropped(Drop.EMPTY_REPLY);
      return;
    }
    socket.send(answer, to.port(), to.hostAddress()).onComplete(sent -> {
      if (sent.succeeded()) {
        counters.onReplied(answer.length());
      } else {
        counters.onDropped(Drop.REPLY_FAILED);
      }
    });
  }
}
