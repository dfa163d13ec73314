package dev.switchboard.gateway.screen;

import io.netty.buffer.ByteBuf;

/**
 * Watches the raw bytes of a request head for obsolete line folding (RFC 9112 §5.2: a header line that begins with a
 * space or tab). Netty joins such a line to the header before it, so the folding cannot be seen once the head is
 * decoded; nginx and Envoy refuse it with 400, as the gateway does. Its only state is where it is in the head, so it
 * follows a head that arrives in any number of pieces.
 */
final class HeadScanner {

  private enum State {
    /** Before the request line: Netty skips control characters and white space here. */
    START,
    /** Inside the request line or a header line. */
    LINE,
    /** Just after a line feed. */
    LINE_START,
    /** After a line feed and a carriage return: the head ends at the next line feed. */
    LINE_START_CR,
    /** The head is complete; the body, if any, is not looked at. */
    DONE
  }

  private State state = State.START;
  private boolean folded;

  /** Looks at bytes the decoder has consumed, in order. */
  void scan(ByteBuf bytes, int from, int to) {
    for (int i = from; i < to && state != State.DONE; i++) {
      byte b = bytes.getByte(i);
      state = switch (state) {
        case START -> (b & 0xff) <= ' ' ? State.START : State.LINE;
        case LINE -> b == '\n' ? State.LINE_START : State.LINE;
        case LINE_START -> {
          if (b == ' ' || b == '\t') {
            folded = true;
          }
          yield b == '\n' ? State.DONE : b == '\r' ? State.LINE_START_CR : State.LINE;
        }
        case LINE_START_CR -> b == '\n' ? State.DONE : State.LINE;
        case DONE -> State.DONE;
      };
    }
  }

  /** Whether the head seen so far has a folded line. */
  boolean folded() {
    return folded;
  }

  /** The next request's head begins. */
  void reset() {
    state = State.START;
    folded = false;
  }
}
