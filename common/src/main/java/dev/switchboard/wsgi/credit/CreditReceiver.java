package dev.switchboard.wsgi.credit;

import dev.switchboard.wsgi.StreamChunk;
import dev.switchboard.wsgi.StreamMessage;
import io.vertx.core.json.JsonObject;

/**
 * The receiving end of a credit stream, without its transport: the gateway's for a streamed response, the
 * application's for a streamed request body (docs/wsgi-over-bus.md, "The credit-stream state machine"). It checks
 * each {@code data}, {@code end} and {@code error} message against the protocol, and keeps the credit: what the sender
 * may still use, and what is owed for chunks the consumer has taken. It sends nothing: its answers say what to do, and
 * the caller sends the credit it returns. Drive it from one thread (or under one lock).
 */
public final class CreditReceiver {

  private final int window;
  private final int batch;
  private final int maxChunkBytes;
  private final long declaredLength;
  private int outstanding;
  private int owed;
  private boolean withheld;
  private long nextSeq;
  private long received;
  private boolean closed;

  /**
   * @param window         the credit granted when the stream opens
   * @param batch          owed credit is returned once this much is owed (or the sender has none left)
   * @param maxChunkBytes  the largest chunk accepted (decoded); also what the consumer may hold before credit is
   *                       withheld ({@link #taken})
   * @param declaredLength the body's declared length, or -1: a body longer, or ending shorter, is a violation
   */
  public CreditReceiver(int window, int batch, int maxChunkBytes, long declaredLength) {
    this.window = window;
    this.batch = Math.max(1, batch);
    this.maxChunkBytes = maxChunkBytes;
    this.declaredLength = declaredLength;
  }

  /** A receiver with no limit of its own on chunks or length, that returns credit as its consumer asks. */
  public static CreditReceiver unlimited(int window) {
    return new CreditReceiver(window, window, Integer.MAX_VALUE, -1);
  }

  /** Opens the stream: the credit its first message grants. */
  public int open() {
    outstanding = window;
    return window;
  }

  public Received onMessage(JsonObject message) {
    if (closed) {
      return Received.IGNORED;
    }
    String type = StreamMessage.type(message);
    if (StreamMessage.DATA.equals(type)) {
      return onData(message);
    }
    if (StreamMessage.END.equals(type)) {
      if (declaredLength >= 0 && received != declaredLength) {
        return violation("body of " + received + " bytes ended short of its Content-Length " + declaredLength);
      }
      closed = true;
      return Received.END;
    }
    if (StreamMessage.ERROR.equals(type)) {
      closed = true;
      return Received.error(MessageFields.string(message, "message"));
    }
    return violation("unexpected stream message type " + MessageFields.render(message.getValue("type")));
  }

  private Received onData(JsonObject message) {
    StreamChunk chunk;
    try {
      chunk = StreamChunk.from(message);
    } catch (IllegalArgumentException e) {
      return violation("chunk is not valid base64");
    }
    if (chunk.seq() != nextSeq) {
      return violation("chunk " + chunk.seq() + " arrived where " + nextSeq + " was expected");
    }
    if (outstanding == 0) {
      return violation("chunk sent without credit");
    }
    int length = chunk.data().length();
    if (length > maxChunkBytes) {
      return violation("chunk of " + length + " bytes over stream.maxChunkBytes " + maxChunkBytes);
    }
    if (declaredLength >= 0 && received + length > declaredLength) {
      return violation("body longer than its Content-Length " + declaredLength);
    }
    nextSeq++;
    outstanding--;
    received += length;
    return Received.chunk(chunk);
  }

  private Received violation(String reason) {
    closed = true;
    return Received.violation(reason);
  }

  /**
   * The consumer took a chunk, and still holds {@code held} bytes of what it took: the credit to grant now, 0 for none.
   * Credit goes back in batches, and is withheld while the consumer holds more than a chunk (a slow HTTP client
   * holds the application back, not the gateway's memory) until {@link #drained} says it holds less.
   */
  public int taken(long held) {
    owed++;
    if (held > maxChunkBytes) {
      withheld = true;
      return 0;
    }
    return grant(false);
  }

  /** The consumer now holds {@code held} bytes: the credit to grant now, if it was withheld. */
  public int drained(long held) {
    if (withheld && held <= maxChunkBytes) {
      withheld = false;
      return grant(true);
    }
    return 0;
  }

  /** The consumer took a chunk; its credit goes back with the next {@link #flush}. */
  public void owe() {
    owed++;
  }

  /** The credit owed, to grant now (0 for none, or when the stream is over). */
  public int flush() {
    return grant(true);
  }

  /** Never leaves the sender with none while some is owed. */
  private int grant(boolean now) {
    if (closed || owed == 0 || withheld || !(now || owed >= batch || outstanding == 0)) {
      return 0;
    }
    int granted = owed;
    outstanding += granted;
    owed = 0;
    return granted;
  }

  /** Whether a chunk is due: the stream is open and the sender holds credit (waiting is then the sender's fault). */
  public boolean awaitingChunks() {
    return !closed && outstanding > 0;
  }

  /** Bytes of body accepted so far. */
  public long received() {
    return received;
  }

  /** Ends the stream from this side: later messages are ignored and no more credit goes out. */
  public void close() {
    closed = true;
  }
}
