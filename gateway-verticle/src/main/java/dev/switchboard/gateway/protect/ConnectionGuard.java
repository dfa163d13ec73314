package dev.switchboard.gateway.protect;

import dev.switchboard.access.Http1Pipeline;
import dev.switchboard.config.GatewayTimeouts;
import dev.switchboard.connection.ConnectionClock;
import dev.switchboard.connection.Timers;
import dev.switchboard.connection.UnsentBytes;
import dev.switchboard.gateway.meters.GatewayMeters.ConnectionClose;
import dev.switchboard.gateway.meters.GatewayMeters;
import dev.switchboard.gateway.screen.Rejections;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpServerRequest;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The clocks of one gateway connection, which Vert.x does not have: the time to send a request's headers (from the
 * connection's or request's first byte: slowloris), the gap between body bytes, the keep-alive wait between requests,
 * and how long a client may leave a response unread. It sits first in the Netty pipeline, so it sees every byte in
 * and every write the socket completes, whatever the HTTP layer above does.
 *
 * <p>One {@link ConnectionClock} serves all deadlines and activity only stores a timestamp; a timer due no later than
 * the nearest deadline is left standing when the phase changes, so a keep-alive connection costs no timer work per
 * request. All state is touched on the connection's event loop.
 */
final class ConnectionGuard extends ChannelDuplexHandler implements Rejections {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  /** Where the connection is between requests. */
  private enum Phase {
    /** Waiting for the first byte of a request. */
    IDLE,
    /** A request has begun; its headers are not complete. */
    HEADERS,
    /** The headers are in; the body is still arriving. */
    BODY,
    /** The request is in; the response is being made. */
    WAITING
  }

  private final Timers timers;
  private final GatewayTimeouts timeouts;
  private final GatewayMeters meters;
  private final String remote;
  private final ConnectionClock clock;
  private final UnsentBytes unsent = new UnsentBytes();
  /** One completion for every write: this runs per response chunk. */
  private final UnsentBytes.Completion onWritten = (bytes, failed) -> written();
  private ChannelHandlerContext ctx;
  private Phase phase = Phase.HEADERS;
  private long phaseSince;
  private long lastReadAt;
  private long writeProgressAt;
  private boolean pipelined;
  private boolean multiplexed;
  private int active;
  private int requests;
  private boolean closed;
  /** Whether bytes of a response have gone out since the current request began. */
  private boolean responseBegun;
  /** Set when a refusal is on its way: the close that follows it lingers. */
  private boolean lingerOnClose;
  /** Output is shut, input is read and dropped until the client closes or the linger time is up. */
  private boolean lingering;
  private boolean bodyClockStopped;

  /** @param nanoTime the clock of all deadlines (System.nanoTime) */
  ConnectionGuard(Timers timers, LongSupplier nanoTime, GatewayTimeouts timeouts, GatewayMeters meters,
                  String remote) {
    this.timers = timers;
    this.timeouts = timeouts;
    this.meters = meters;
    this.remote = remote;
    this.clock = new ConnectionClock(timers, nanoTime, this::nextDeadline, this::expire);
    this.phaseSince = clock.now();
    this.lastReadAt = phaseSince;
    this.writeProgressAt = phaseSince;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext context) {
    this.ctx = context;
    reschedule();
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    if (lingering) {
      ReferenceCountUtil.release(msg);
      return;
    }
    long now = clock.now();
    lastReadAt = now;
    if (multiplexed) {
      // HTTP/2: frames between streams (pings, settings) are activity, not a request that has begun.
      if (phase == Phase.IDLE) {
        phaseSince = now;
      }
    } else if (phase == Phase.IDLE) {
      enter(Phase.HEADERS, now);
    } else if (phase == Phase.WAITING) {
      pipelined = true;
    }
    context.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
    if (lingering) {
      // The refusal was the last word; whatever Vert.x still writes for the refused request goes nowhere.
      ReferenceCountUtil.release(msg);
      promise.tryFailure(new ClosedChannelException());
      return;
    }
    if (msg instanceof ByteBuf buf && buf.isReadable()) {
      responseBegun = true;
      boolean wasIdle = unsent.pending() == 0;
      if (wasIdle) {
        writeProgressAt = clock.now();
      }
      unsent.write(context, buf, promise, onWritten);
      if (wasIdle && phase == Phase.WAITING && !timeouts.write().isZero()) {
        reschedule();
      }
    } else {
      context.write(msg, promise);
    }
  }

  /** The socket has taken a write (or lost it): output has moved. */
  private void written() {
    writeProgressAt = clock.now();
    if (unsent.pending() == 0 && phase == Phase.IDLE) {
      reschedule();  // the keep-alive clock starts now
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    closed = true;
    clock.stop();
    context.fireChannelInactive();
  }

  @Override
  public void lingerOnClose() {
    lingerOnClose = true;
  }

  @Override
  public void rejectBody(int status, String message) {
    LOG.info("gateway connection from {}: {}, {} and closing", remote, message, status);
    ChannelHandlerContext http = httpCodec();
    if (responseBegun || http == null) {
      ctx.close();
      return;
    }
    lingerOnClose = true;
    http.writeAndFlush(RawResponses.of(status, message));
    http.close();
  }

  /**
   * Where raw HTTP/1 answers are written: at the decoder, so that TLS, which lies between it and this guard, encrypts
   * them. Null without an HTTP/1 decoder (HTTP/2), where no HTTP/1 answer can be given.
   */
  private ChannelHandlerContext httpCodec() {
    return ctx.pipeline().context(Http1Pipeline.DECODER);
  }

  /**
   * A close after a refusal, or while the client is still sending a body nobody will read (a 413), lingers (nginx's
   * lingering close): the output is shut once what is written has gone, and what the client still sends is read and
   * dropped until it closes or {@code timeouts.linger} passes. Closing at once
   * with unread bytes in the socket would make the kernel answer with a reset, which can destroy the refusal before
   * the client reads it (a client sending 300 KB of headers got a reset instead of its 431).
   */
  @Override
  public void close(ChannelHandlerContext context, ChannelPromise promise) {
    if (lingering) {
      // Vert.x closes more than once after a refusal (the response's end, then the decoder's failure): wait as well.
      context.channel().closeFuture().addListener(done -> promise.trySuccess());
      return;
    }
    if (!(lingerOnClose || phase == Phase.BODY) || closed || timeouts.linger().isZero()
        || !(context.channel() instanceof DuplexChannel channel) || channel.isInputShutdown()) {
      context.close(promise);
      return;
    }
    lingering = true;
    context.channel().closeFuture().addListener(done -> promise.trySuccess());
    context.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
      if (channel.isActive()) {
        channel.shutdownOutput();
      }
    });
    context.channel().config().setAutoRead(true);
    context.read();
    timers.set(timeouts.linger().toMillis(), context::close);
  }

  /**
   * The request's headers are in.
   *
   * @return how many requests this connection has carried, this one included
   */
  int requestStarted(HttpServerRequest request) {
    requests++;
    active++;
    if (request.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
      multiplexed = true;
      enter(Phase.WAITING, clock.now());
      return requests;
    }
    bodyClockStopped = false;
    responseBegun = false;
    enter(Phase.BODY, clock.now());
    request.end().onComplete(done -> {
      if (phase == Phase.BODY) {
        enter(Phase.WAITING, clock.now());
      }
    });
    return requests;
  }

  /** Stops the body clock while nobody asks for the body (a streamed body without credit), or restarts it. */
  void bodyClock(boolean running) {
    bodyClockStopped = !running;
    if (running) {
      lastReadAt = clock.now();
    }
    reschedule();
  }

  /** The response has been handed to the connection; the next request may begin. */
  void responseEnded() {
    active--;
    long now = clock.now();
    if (multiplexed) {
      if (active == 0) {
        enter(Phase.IDLE, now);
      }
      return;
    }
    enter(pipelined ? Phase.HEADERS : Phase.IDLE, now);
    pipelined = false;
    responseBegun = false;
  }

  private void enter(Phase next, long now) {
    phase = next;
    phaseSince = now;
    reschedule();
  }

  /** Makes sure a timer fires no later than the nearest deadline. */
  private void reschedule() {
    if (closed) {
      clock.stop();
    } else {
      clock.reschedule();
    }
  }

  private long nextDeadline(long now) {
    return Math.min(writeDeadline(), phaseDeadline());
  }

  /** The write clock runs from the last progress while output is unsent. */
  private long writeDeadline() {
    return deadline(timeouts.write(), unsent.pending() > 0 ? writeProgressAt : ConnectionClock.NONE);
  }

  private long phaseDeadline() {
    return switch (phase) {
      // Keep-alive runs only once the last response is out; until then the write clock watches the connection.
      case IDLE -> deadline(timeouts.keepAlive(),
          unsent.pending() > 0 ? ConnectionClock.NONE : Math.max(phaseSince, writeProgressAt));
      case HEADERS -> deadline(timeouts.header(), phaseSince);
      case BODY -> bodyClockStopped ? ConnectionClock.NONE : deadline(timeouts.body(), Math.max(phaseSince, lastReadAt));
      // Waiting on the application with nothing unsent: the route's timeout and the request deadline watch this.
      case WAITING -> ConnectionClock.NONE;
    };
  }

  private static long deadline(Duration timeout, long since) {
    return ConnectionClock.deadline(timeout.toNanos(), since);
  }

  private boolean expire(long now) {
    if (closed || lingering) {
      return true;
    }
    if (ConnectionClock.passed(writeDeadline(), now)) {
      close(ConnectionClose.WRITE_TIMEOUT, "client stopped reading (" + unsent.pending() + " bytes unsent)", null);
      return true;
    }
    if (!ConnectionClock.passed(phaseDeadline(), now)) {
      return false;
    }
    switch (phase) {
      case HEADERS ->
          close(ConnectionClose.HEADER_TIMEOUT, "request headers not complete in time", "request header timeout");
      case BODY -> close(ConnectionClose.BODY_TIMEOUT, "request body stalled", "request body timeout");
      case IDLE -> close(ConnectionClose.KEEP_ALIVE, "keep-alive timeout", null);
      default -> {
        // WAITING has no deadline of its own.
      }
    }
    return true;
  }

  /**
   * Closes the connection; with a 408 first when the client is owed an answer and none has begun. The 408 is written
   * below the HTTP layer (there may be no request object yet), so it goes out as raw bytes.
   */
  private void close(ConnectionClose why, String reason, String status408) {
    meters.onConnectionClosed(why);
    // An idle keep-alive connection closing is routine (as echo's normal closes): DEBUG. The other clocks mean a client
    // that stalled: INFO.
    LOG.atLevel(why == ConnectionClose.KEEP_ALIVE ? Level.DEBUG : Level.INFO)
        .log("gateway connection from {}: {}, closing", remote, reason);
    closed = true;
    if (status408 != null && phase != Phase.WAITING && !responseBegun && !multiplexed) {
      ChannelHandlerContext http = httpCodec();
      if (http != null) {
        http.writeAndFlush(RawResponses.of(408, status408)).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.close();
      }
    } else {
      ctx.close();
    }
  }
}
