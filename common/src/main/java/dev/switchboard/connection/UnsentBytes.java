package dev.switchboard.connection;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.function.Function;

/**
 * The bytes written to a connection that its socket has not taken yet, counted through write completions: what is
 * really held for a peer that reads slowly. Neither Netty's writability nor {@code writeQueueFull()} says this: Netty's
 * watermarks include per-message overhead and fire only after a limit has been crossed, and Vert.x queues HTTP/1 writes
 * in a chunked-write handler ahead of Netty's buffer, where about a megabyte can wait before a response reports full.
 * What to do about a peer that falls behind (hold and pause reading, refuse, drop, withhold credit) is the owner's.
 * Used from the connection's event loop only.
 */
public final class UnsentBytes {

  /** Told of each counted write once it has completed, after the counts have been updated. */
  @FunctionalInterface
  public interface Completion {

    /** Nothing to do on completion. */
    Completion IGNORE = (bytes, failed) -> { };

    /** @param failed the write was lost (the connection is gone) rather than taken by the socket */
    void completed(int bytes, boolean failed);
  }

  private long pending;
  private long peak;
  private long completed;

  /** Writes through a Vert.x write ({@code socket::write}, {@code response::write}), counted until it completes. */
  public void write(Buffer data, Function<Buffer, Future<Void>> sink, Completion then) {
    int bytes = data.length();
    add(bytes);
    sink.apply(data).onComplete(done -> complete(bytes, done.failed(), then));
  }

  /** Passes a write on in a Netty outbound handler, counted until its promise completes. */
  public void write(ChannelHandlerContext ctx, ByteBuf data, ChannelPromise promise, Completion then) {
    int bytes = data.readableBytes();
    add(bytes);
    ChannelPromise tracked = promise.unvoid();
    tracked.addListener(done -> complete(bytes, !done.isSuccess(), then));
    ctx.write(data, tracked);
  }

  /** Bytes written and not yet taken by the socket (nor lost). */
  public long pending() {
    return pending;
  }

  /** The most that was pending at once. */
  public long peak() {
    return peak;
  }

  /** Bytes whose writes have completed, taken by the socket or lost. */
  public long completed() {
    return completed;
  }

  private void add(int bytes) {
    pending += bytes;
    peak = Math.max(peak, pending);
  }

  private void complete(int bytes, boolean failed, Completion then) {
    pending -= bytes;
    completed += bytes;
    then.completed(bytes, failed);
  }
}
