package dev.switchboard.wsgi.credit;

import dev.switchboard.wsgi.StreamMessage;
import io.vertx.core.json.JsonObject;

/**
 * The sending end of a credit stream, without its transport: the application's for a streamed response, the
 * gateway's for a streamed request body (docs/wsgi-over-bus.md, "The credit-stream state machine"). It reads the
 * receiver's {@code start}, {@code credit} and {@code cancel} messages, learns from the first that names one where
 * chunks go, and numbers the chunks it lets out, one per credit. Drive it from one thread (or under one lock).
 */
public final class CreditSender {

  private String destination;
  private boolean started;
  private int credit;
  private int maxChunkBytes;
  private long nextSeq;
  private boolean closed;

  /** @param maxChunkBytes the largest chunk to send until the receiver's {@code start} says otherwise */
  public CreditSender(int maxChunkBytes) {
    this.maxChunkBytes = maxChunkBytes;
  }

  public Control onControl(JsonObject message) {
    if (closed) {
      return Control.IGNORED;
    }
    String type = StreamMessage.type(message);
    if (StreamMessage.CANCEL.equals(type)) {
      closed = true;
      String reason = MessageFields.string(message, "reason");
      return Control.cancelled(reason == null ? "cancelled" : reason);
    }
    boolean start = StreamMessage.START.equals(type);
    if (!start && !StreamMessage.CREDIT.equals(type) || start && started) {
      // Unknown types are ignored so that the protocol can grow; a second start changes nothing.
      return Control.IGNORED;
    }
    String address = MessageFields.string(message, "address");
    boolean named = destination == null && address != null && !address.isEmpty();
    if (named) {
      destination = address;
    }
    if (destination == null) {
      return Control.IGNORED;
    }
    if (start) {
      started = true;
      long limit = MessageFields.integer(message, "maxChunkBytes", maxChunkBytes);
      maxChunkBytes = (int) Math.max(1, Math.min(Integer.MAX_VALUE, limit));
    }
    int granted = MessageFields.credit(message);
    if (granted == 0 && !named && !start) {
      return Control.IGNORED;
    }
    credit = (int) Math.min(Integer.MAX_VALUE, (long) credit + granted);
    return Control.granted(granted);
  }

  /** Whether a chunk may go now: the destination is known, credit is left and the stream is open. */
  public boolean canSend() {
    return !closed && destination != null && credit > 0;
  }

  /**
   * Uses one credit: the seq of the chunk to send now. Call it only when {@link #canSend()} (a gateway reads
   * exactly as many chunks from its client as it was granted).
   */
  public long take() {
    credit--;
    return nextSeq++;
  }

  public boolean hasCredit() {
    return credit > 0;
  }

  /** Where chunks go, once the receiver has said. */
  public String destination() {
    return destination;
  }

  public int maxChunkBytes() {
    return maxChunkBytes;
  }

  public boolean isOpen() {
    return !closed;
  }

  /**
   * Ends the stream from this side (its end, an error, or giving up): true when the receiver is waiting and should
   * be told, i.e. the stream was open and its destination known.
   */
  public boolean close() {
    boolean waiting = !closed && destination != null;
    closed = true;
    return waiting;
  }
}
