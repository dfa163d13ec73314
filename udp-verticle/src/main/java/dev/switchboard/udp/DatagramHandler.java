package dev.switchboard.udp;

import dev.switchboard.bus.DatagramEvent;
import dev.switchboard.config.UdpConfig;
import dev.switchboard.udp.UdpMeters.Drop;
import dev.switchboard.listen.Addresses;
import dev.switchboard.net.SourceRateLimiter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.vertx.core.buffer.Buffer;
import java.net.InetSocketAddress;

/**
 * What the service does with one datagram: size check, rate limit, reply, bus event. One bad datagram never affects
 * another: each outcome is counted and nothing is thrown.
 *
 * <p>It sits in the Netty pipeline of the Vert.x datagram socket, ahead of Vert.x's own handler, and consumes every
 * datagram there. Going through {@code DatagramSocket.send} instead cost a name resolution, a Vert.x promise and a
 * flush per reply; here replies are written as datagrams arrive and flushed once per read batch, which lets the epoll
 * transport send a batch with one {@code sendmmsg}.
 */
final class DatagramHandler extends ChannelInboundHandlerAdapter {

  private final UdpConfig config;
  private final UdpMeters meters;
  private final SourceRateLimiter limiter;
  private final EventHandOff events;
  private String localAddress;

  /**
   * @param limiter null when there is no rate limit
   * @param events  null when datagrams are not published
   */
  DatagramHandler(UdpConfig config, UdpMeters meters, SourceRateLimiter limiter, EventHandOff events) {
    this.config = config;
    this.meters = meters;
    this.limiter = limiter;
    this.events = events;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof DatagramPacket packet)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      handle(ctx, packet.content(), packet.sender());
    } finally {
      packet.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
    ctx.fireChannelReadComplete();
  }

  private void handle(ChannelHandlerContext ctx, ByteBuf data, InetSocketAddress sender) {
    int length = data.readableBytes();
    meters.onReceived(length);
    // The read buffer (on epoll, each datagram's segment of it) is one byte larger than the limit: a datagram that
    // fills it was larger and arrived cut off.
    if (length > config.maxDatagramBytes()) {
      meters.onDropped(Drop.TRUNCATED);
      return;
    }
    if (limiter != null && !limiter.allow(sender.getAddress().getHostAddress(), System.nanoTime())) {
      meters.onDropped(Drop.RATE_LIMITED);
      return;
    }
    reply(ctx, Replies.to(config.replyMode(), data, ctx.alloc()), sender);
    if (events != null) {
      if (localAddress == null) {
        // Known once bound (the configured port may be 0); the configured host names the listener, as in the logs.
        localAddress = Addresses.hostPort(config.host(), ((InetSocketAddress) ctx.channel().localAddress()).getPort());
      }
      events.offer(new DatagramEvent(Addresses.hostPort(sender),
          localAddress, Buffer.buffer(ByteBufUtil.getBytes(data)), System.currentTimeMillis()));
    }
  }

  private void reply(ChannelHandlerContext ctx, ByteBuf answer, InetSocketAddress to) {
    if (answer == null) {
      return;
    }
    int length = answer.readableBytes();
    Drop refused = refusal(ctx, length);
    if (refused != null) {
      answer.release();
      meters.onDropped(refused);
      return;
    }
    ctx.write(new DatagramPacket(answer, to)).addListener(sent -> {
      if (sent.isSuccess()) {
        meters.onReplied(length);
      } else {
        meters.onDropped(Drop.REPLY_FAILED);
      }
    });
  }

  /** Why an answer of {@code length} bytes cannot go out now, or null when it can. */
  private Drop refusal(ChannelHandlerContext ctx, int length) {
    if (length > config.maxDatagramBytes()) {
      return Drop.REPLY_TOO_LARGE;
    }
    if (length == 0) {
      // Netty silently skips zero-length datagrams on every transport: say so in a counter instead.
      return Drop.EMPTY_REPLY;
    }
    if (!ctx.channel().isWritable()) {
      // Answers of this read batch are not flushed yet and count towards the mark: send them, then look again. Still
      // over it, the kernel is refusing sends: drop rather than queue.
      ctx.flush();
      if (!ctx.channel().isWritable()) {
        return Drop.SEND_QUEUE_FULL;
      }
    }
    return null;
  }
}
