package dev.switchboard.deploy.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * One echo listener in its framing (raw, line, length, length-ascii, fixed 4). Inputs are valid frame sequences,
 * floods of tiny frames read slowly (back-pressure), over-long frames, bad headers and byte mutations, written in
 * random pieces and half-closed. A model of the framing says what must come back: the same bytes, or the bytes of the
 * frames before the first bad one followed by an {@code ERR} line.
 */
final class EchoFuzzer implements ListenerFuzzer {

  static final int MAX_FRAME = 65536;
  /** Every input ends with the server's close, so the waits only cost time when something is wrong: generous. */
  private static final TcpExchange.Limits LIMITS = new TcpExchange.Limits(2000, 1000, 8000, 4 << 20);

  private final String framing;
  private final int port;

  EchoFuzzer(String framing, int port) {
    this.framing = framing;
    this.port = port;
  }

  @Override
  public String name() {
    return "echo-" + framing;
  }

  byte[] encode(byte[] payload) {
    return switch (framing) {
      case "line" -> concat(payload, new byte[] {'\n'});
      case "length" -> concat(java.nio.ByteBuffer.allocate(4).putInt(payload.length).array(), payload);
      case "length-ascii" -> concat(String.format("%05d", payload.length).getBytes(StandardCharsets.US_ASCII), payload);
      default -> payload;
    };
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private byte[] payload(Random random, int size) {
    byte[] p = new byte[size];
    random.nextBytes(p);
    if (framing.equals("line")) {
      for (int i = 0; i < p.length; i++) {
        if (p[i] == '\n') {
          p[i] = 'n';
        }
      }
    }
    return p;
  }

  @Override
  public FuzzInput generate(Random random) {
    int pick = random.nextInt(100);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String kind;
    int readDelay = 0;
    if (pick < 35) {
      int frames = 1 + random.nextInt(40);
      for (int i = 0; i < frames; i++) {
        int size = random.nextInt(10) == 0 ? random.nextInt(framing.equals("length-ascii") ? 65536 : 60000) : random.nextInt(64);
        out.writeBytes(encode(payload(random, size)));
      }
      kind = "frames";
    } else if (pick < 50) {
      int frames = 20_000 + random.nextInt(200_000);
      byte[] tiny = encode(payload(random, framing.equals("fixed") || framing.equals("raw") ? 4 : random.nextInt(2)));
      for (int i = 0; i < frames && out.size() < 1_000_000; i++) {
        out.writeBytes(tiny);
      }
      kind = "tiny-frame-flood";
      readDelay = 100 + random.nextInt(300);
    } else if (pick < 60 && !framing.equals("raw") && !framing.equals("fixed")) {
      out.writeBytes(encode(payload(random, random.nextInt(16))));
      switch (framing) {
        case "line" -> out.writeBytes(payload(random, MAX_FRAME + 1 + random.nextInt(20000)));
        case "length" -> out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(List.of(MAX_FRAME + 1, 0x7fffffff, -1, 1 << 24)
            .get(random.nextInt(4))).array());
        default -> out.writeBytes(Mutator.pick(random, "99999", "-0001", "0x0ff", "     ", "1e300", "65537", "\u0000\u0000\u0000\u0000\u0001")
            .getBytes(StandardCharsets.ISO_8859_1));
      }
      out.writeBytes(payload(random, random.nextInt(100)));
      kind = "bad-header";
    } else {
      ByteArrayOutputStream valid = new ByteArrayOutputStream();
      int frames = 1 + random.nextInt(10);
      for (int i = 0; i < frames; i++) {
        valid.writeBytes(encode(payload(random, random.nextInt(200))));
      }
      Mutator.Mutated m = Mutator.mutate(random, valid.toByteArray(), List.of(valid.toByteArray()));
      out.writeBytes(m.data());
      kind = "mutated:" + m.names();
    }
    byte[] data = out.toByteArray();
    FuzzInput input = FuzzInput.of(kind, data).expecting(expectedReply(data)).withReadDelay(readDelay);
    if (random.nextInt(3) == 0) {
      input = input.withPieces(2 + random.nextInt(30));
    }
    if (random.nextInt(20) == 0) {
      input = input.withReset(random.nextInt(data.length + 1));
    }
    return input;
  }

  /**
   * What the README promises for these bytes: all of them back when every frame is within maxFrameBytes (a trailing
   * partial frame is echoed at EOF); else the frames before the bad one, then an ERR line (prefix "ERR ").
   */
  byte[] expectedReply(byte[] data) {
    int good = goodPrefix(data);
    if (good == data.length) {
      return data;
    }
    return concat(Arrays.copyOf(data, good), "ERR ".getBytes(StandardCharsets.US_ASCII));
  }

  /** The length of the leading run of acceptable frames: data.length when all are. */
  private int goodPrefix(byte[] data) {
    int at = 0;
    switch (framing) {
      case "line":
        while (at < data.length) {
          int nl = at;
          while (nl < data.length && data[nl] != '\n') {
            nl++;
          }
          if (nl - at > MAX_FRAME) {
            return at;
          }
          at = nl + 1;
        }
        return data.length;
      case "length":
        while (at + 4 <= data.length) {
          long length = java.nio.ByteBuffer.wrap(data, at, 4).getInt() & 0xffffffffL;
          if (length > MAX_FRAME) {
            return at;
          }
          at += 4 + (int) length;
        }
        return data.length;
      case "length-ascii":
        while (at + 5 <= data.length) {
          int length = 0;
          for (int i = at; i < at + 5; i++) {
            if (data[i] < '0' || data[i] > '9') {
              return at;
            }
            length = length * 10 + data[i] - '0';
          }
          if (length > MAX_FRAME) {
            return at;
          }
          at += 5 + length;
        }
        // a partial header at EOF is echoed as it is, whatever its bytes
        return data.length;
      default:
        return data.length;
    }
  }

  @Override
  public Outcome play(FuzzInput input) throws IOException {
    TcpExchange.Reply reply = TcpExchange.play(port, input, true, LIMITS, null);
    if (reply.end() == TcpExchange.End.CLIENT_RESET) {
      return Outcome.of("client reset mid-frame");
    }
    byte[] got = reply.bytes();
    byte[] expected = input.expected();
    boolean errExpected = !Arrays.equals(expected, input.data());
    String ending = reply.end() == TcpExchange.End.CLOSED ? "closed" : reply.end() == TcpExchange.End.RESET ? "reset"
        : "not closed (" + reply.end().name().toLowerCase() + ")";
    if (!errExpected) {
      if (Arrays.equals(got, expected) && reply.end() == TcpExchange.End.CLOSED) {
        return Outcome.of("echoed whole, closed");
      }
      String how = Arrays.equals(got, expected) ? "echoed whole, "
          : got.length < expected.length && Arrays.equals(got, Arrays.copyOf(expected, got.length)) ? "cut short, " : "echo wrong, ";
      String cls = how + ending;
      return Outcome.violation(cls, "expected the " + expected.length + " bytes back and a close; got " + got.length + " bytes ("
          + firstDifference(got, expected) + "), " + ending);
    }
    // The frames before the bad one, then an ERR line, then a close. The close may come as a reset (the server closes
    // with our unread bytes in its buffer), and a reset may destroy the tail of what was in flight: a prefix is fine.
    int prefix = expected.length - 4;
    byte[] err = ascii("ERR ");
    boolean consistent = true;
    for (int i = 0; i < got.length && i < prefix + err.length; i++) {
      byte want = i < prefix ? expected[i] : err[i - prefix];
      consistent &= got[i] == want;
    }
    boolean closed = reply.end() == TcpExchange.End.CLOSED || reply.end() == TcpExchange.End.RESET;
    String rest = new String(got, Math.min(prefix, got.length), Math.max(0, got.length - prefix), StandardCharsets.ISO_8859_1);
    if (consistent && closed) {
      String cls = rest.startsWith("ERR ") ? "ERR " + rest.substring(4).replaceAll("\\(.*", "").strip() : "cut short";
      return Outcome.of(cls + ", " + ending);
    }
    return Outcome.violation((consistent ? "" : "echo wrong, ") + ending, "expected the " + prefix
        + " bytes of the good frames, then an ERR line and a close; got " + got.length + " bytes ("
        + firstDifference(got, expected) + "), " + ending);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String firstDifference(byte[] got, byte[] expected) {
    int n = Math.min(got.length, expected.length);
    for (int i = 0; i < n; i++) {
      if (got[i] != expected[i]) {
        return "first difference at byte " + i;
      }
    }
    return got.length == expected.length ? "same bytes" : "one is a prefix of the other";
  }

  @Override
  public String probe(long timeoutMs) throws IOException {
    byte[] data = new byte[0];
    for (String word : new String[] {"prob", "e-ok"}) {
      data = concat(data, encode(word.getBytes(StandardCharsets.US_ASCII)));
    }
    byte[] expected = data;
    TcpExchange.Reply reply = TcpExchange.play(port, FuzzInput.of("probe", data), false,
        new TcpExchange.Limits(timeoutMs, timeoutMs, timeoutMs, 1 << 16), bytes -> bytes.length >= expected.length);
    if (!Arrays.equals(reply.bytes(), expected)) {
      return name() + " echo of 2 frames: " + reply.end() + ", " + reply.bytes().length + " bytes";
    }
    return reply.millis() > timeoutMs ? name() + " echo took " + reply.millis() + " ms" : null;
  }
}
