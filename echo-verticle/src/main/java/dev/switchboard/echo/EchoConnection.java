package dev.switchboard.echo;

import dev.switchboard.access.NettyChannels;
import dev.switchboard.access.SocketEvents;
import dev.switchboard.bus.CloseReason;
import dev.switchboard.bus.ConnectionEvent;
import dev.switchboard.config.EchoListenerConfig;
import dev.switchboard.config.Framing;
import dev.switchboard.connection.Timers;
import dev.switchboard.echo.framing.FrameDecoder;
import dev.switchboard.echo.framing.FramingException;
import dev.switchboard.listen.Addresses;
import dev.switchboard.net.MemoryBudget;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One echo connection: decodes frames, writes each back through a bounded {@link OutputWindow}, enforces the idle and
 * frame deadlines, and on the client's half-close sends everything still pending before it closes.
 *
 * <p>Vert.x 5 has no half-close API and leaves Netty's {@code ALLOW_HALF_CLOSURE} off, so a FIN would close the channel
 * and cut off queued output. The option is set on the Netty channel here, and the resulting
 * {@link ChannelInputShutdownEvent} is the end of the client's stream.
 *
 * <p>Back-pressure switches Netty's auto-read rather than calling {@code NetSocket.pause()}: Vert.x's pause keeps
 * reading into its own inbound queue for a while, and the end-of-stream event, which does not pass through that queue,
 * would then overtake data still queued. With auto-read off, Netty reads nothing more until the client's FIN: on epoll
 * the FIN (EPOLLRDHUP) makes it read all that is left, auto-read or not, but still before the end-of-stream event,
 * so data and end of stream stay in order. Nothing beyond the current read is held, or, after a FIN, beyond what the
 * kernel had received.
 *
 * <p>What it holds, the unfinished frame and the output not yet sent, is reserved in the service's
 * {@link MemoryBudget} as it is kept, and given back as frames complete, output is sent, and at close. A connection
 * that needs more than the budget has left is closed ({@code buffer-budget}), after an error line in the framed modes.
 */
final class EchoConnection {

  private static final Logger LOG = LoggerFactory.getLogger(EchoConnection.class);
  /** How long an error line may take to reach a client before the connection is cut anyway. */
  private static final long ERROR_LINGER_MS = 2000;

  private final Vertx vertx;
  private final NetSocket socket;
  private final EchoListenerConfig config;
  private final ListenerMeters meters;
  private final Consumer<ConnectionEvent> events;
  private final StopSignal stopping;
  private final long connectionId;
  private final String remote;
  private final FrameDecoder decoder;
  private final OutputWindow output;
  private final EchoDeadlines clock;
  private final MemoryBudget budget;
  private final MemoryBudget.Share heldFrame;
  private final MemoryBudget.Share unsent;
  private final long openedAt = System.nanoTime();
  private long bytesIn;
  private long bytesOut;
  private long peakPending;
  private int framesSeen;
  private boolean ending;
  /** The client has half-closed: nothing is left to read, so reading is never switched on again. */
  private boolean inputEnded;
  private CloseReason reason;
  private boolean overBudget;
  /** Bytes of output given back to the budget so far. */
  private long released;

  EchoConnection(Vertx vertx, NetSocket socket, EchoListenerConfig config, ListenerMeters meters,
                 Consumer<ConnectionEvent> events, StopSignal stopping, MemoryBudget budget) {
    this.vertx = vertx;
    this.socket = socket;
    this.config = config;
    this.meters = meters;
    this.events = events;
    this.stopping = stopping;
    this.budget = budget;
    this.heldFrame = budget.share();
    this.unsent = budget.share();
    this.connectionId = meters.nextConnectionId();
    this.remote = Addresses.remote(socket.remoteAddress());
    this.decoder = FrameDecoder.create(config.framing(), config.delimiter(), config.fixedBytes(), config.maxFrameBytes());
    ChannelConfig channel = NettyChannels.handlerOf(socket).channel().config();
    // Netty 4.2.18's epoll transport drops a socket from epoll (EPOLL_CTL_DEL) once it waits for nothing on it, then
    // fails the next request to wait for anything (EPOLL_CTL_MOD: ENOENT); the channel's output is shut down or it is
    // closed, and the echo still queued is lost. Until the client's FIN the socket always waits for EPOLLRDHUP; after
    // it, it waits for nothing whenever reading is off and no write is waiting for room. So after the FIN only a write
    // may ever start waiting again. Reading is never resumed then (inputEnded). And a flush must not end because its
    // write spin count ran out: Netty then stops waiting for room and retries from a task, whose next full socket
    // buffer would have to wait anew. Integer.MAX_VALUE - 1, because a full socket buffer counts as Integer.MAX_VALUE
    // spins and exactly zero left means "ran out". A flush still ends at the first full socket buffer, and can only
    // write what this connection already holds.
    channel.setWriteSpinCount(Integer.MAX_VALUE - 1);
    this.clock = new EchoDeadlines(Timers.of(vertx), System::nanoTime, config.idleTimeout(), config.frameTimeout(),
        this::expire);
    // A client slowly reading a long echo is not idle, though it may have sent its last byte long ago.
    this.output = new OutputWindow(socket::write, config.writeQueueBytes(), () -> {
      channel.setAutoRead(false);
      meters.readPaused();
    }, () -> {
      if (!inputEnded) {
        channel.setAutoRead(true);
      }
    }, this::sent);
  }

  /** @return whether the transport supports half-close (Netty's NIO Unix domain sockets do not) */
  boolean start() {
    boolean halfClose = NettyChannels.handlerOf(socket).channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    socket.handler(this::onData);
    SocketEvents.listen(socket, this::onEvent);
    socket.exceptionHandler(this::onException);
    socket.closeHandler(v -> onClosed());
    events.accept(ConnectionEvent.opened(connectionId, config.name(), remote));
    clock.start();
    return halfClose;
  }

  private void onData(Buffer chunk) {
    int length = chunk.length();
    bytesIn += length;
    meters.bytesIn(length);
    clock.activity();
    if (ending) {
      return;
    }
    int framesBefore = framesSeen;
    // The frames this chunk completes move from the unfinished frame to the output: counted there, not twice.
    heldFrame.tryResize(0);
    try {
      decoder.decode(chunk, this::echo);
    } catch (FramingException e) {
      refuse(e.kind() == FramingException.Kind.TOO_LONG ? CloseReason.FRAME_TOO_LONG : CloseReason.BAD_FRAME, e.getMessage());
      return;
    }
    if (overBudget || !heldFrame.tryResize(decoder.heldBytes())) {
      outOfBudget();
      return;
    }
    if (decoder.inFrame()) {
      clock.inFrame(framesSeen != framesBefore);
    } else {
      clock.frameDone();
    }
    peakPending = Math.max(peakPending, bytesIn - output.flushed());
  }

  private void echo(Buffer frame) {
    if (overBudget || !unsent.tryReserve(frame.length())) {
      overBudget = true;
      return;
    }
    framesSeen++;
    bytesOut += frame.length();
    meters.bytesOut(frame.length());
    output.write(frame);
  }

  /**
   * Output has gone out: traffic for the idle deadline, and budget given back. Error lines were never reserved;
   * written last, they go out after every echoed byte, when the share has nothing left to give back.
   */
  private void sent() {
    clock.activity();
    long flushed = output.flushed();
    unsent.release(flushed - released);
    released = flushed;
  }

  private void onEvent(Object event) {
    if (event == ChannelInputShutdownEvent.INSTANCE) {
      onEndOfStream();
    } else if (SocketEvents.isShutdown(event)) {
      closeNow(CloseReason.SHUTDOWN);
    }
    ReferenceCountUtil.release(event);
  }

  /** The client half-closed: the unfinished frame, if any, is echoed too, and the connection closes once all is sent. */
  private void onEndOfStream() {
    inputEnded = true;
    if (ending) {
      return;
    }
    ending = true;
    clock.frameDone();
    Buffer rest = decoder.takeRemainder();
    heldFrame.close();
    if (rest.length() > 0) {
      echo(rest);
    }
    if (overBudget) {
      outOfBudget();
      return;
    }
    output.onceFlushed(() -> closeGracefully(CloseReason.EOF));
  }

  /** The client broke the framing: it gets one error line and the connection closes. */
  private void refuse(CloseReason why, String message) {
    ending = true;
    decoder.takeRemainder();
    heldFrame.close();
    LOG.info("echo {} connection {} from {}: {}, closing", config.name(), connectionId, remote, message);
    output.write(Buffer.buffer("ERR " + message + "\n"));
    output.onceFlushed(() -> closeGracefully(why));
    vertx.setTimer(ERROR_LINGER_MS, t -> closeNow(why));
  }

  /** The budget has no room for what this connection needs: it gets an error line where the framing has them. */
  private void outOfBudget() {
    String message = "out of buffer space (limit " + budget.max() + ")";
    if (config.framing() != Framing.RAW) {
      refuse(CloseReason.BUFFER_BUDGET, message);
    } else {
      ending = true;
      LOG.info("echo {} connection {} from {}: {}, closing", config.name(), connectionId, remote, message);
      closeNow(CloseReason.BUFFER_BUDGET);
    }
  }

  private void expire(CloseReason why) {
    if (why == CloseReason.FRAME_TIMEOUT) {
      refuse(why, "frame timeout (" + config.frameTimeout().toMillis() + " ms)");
    } else {
      LOG.info("echo {} connection {} from {}: idle for {} ms, closing", config.name(), connectionId, remote,
          config.idleTimeout().toMillis());
      closeNow(why);
    }
  }

  /** Closes after what is queued has been sent. */
  private void closeGracefully(CloseReason why) {
    if (reason == null) {
      reason = why;
    }
    socket.close();
  }

  /**
   * Closes now, discarding output the client has not read. Closing through the context of Vert.x's own handler skips
   * that handler's close, which would first wait for the queue to flush: with a client that does not read, forever.
   */
  private void closeNow(CloseReason why) {
    if (reason == null) {
      reason = why;
    }
    NettyChannels.handlerOf(socket).close();
  }

  private void onException(Throwable error) {
    CloseReason why = error instanceof IOException && !(error instanceof SSLException) ? CloseReason.RESET : CloseReason.ERROR;
    if (reason == null) {
      reason = why;
    }
    if (why == CloseReason.RESET) {
      // A peer's reset is ordinary (and a storm of them would flood the log): counted under reason "reset", logged at
      // debug level.
      LOG.debug("echo {} connection {} from {}: {}", config.name(), connectionId, remote, error.getMessage());
    } else {
      LOG.info("echo {} connection {} from {}: {}", config.name(), connectionId, remote, error.getMessage());
    }
    closeNow(why);
  }

  private void onClosed() {
    clock.stop();
    heldFrame.close();
    unsent.close();
    CloseReason why = reason != null ? reason : stopping.stopping() ? CloseReason.SHUTDOWN : CloseReason.RESET;
    meters.closedOpen(why);
    events.accept(new ConnectionEvent(ConnectionEvent.CLOSE, connectionId, config.name(), remote, bytesIn, bytesOut,
        why, (System.nanoTime() - openedAt) / 1_000_000, peakPending));
    LOG.debug("echo {} connection {} from {} closed: {}", config.name(), connectionId, remote, why.wireName());
  }
}
