package dev.switchboard.deploy.fuzz;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * HTTP/2 by prior knowledge (h2c) to the gateway: the preface, then valid and mutated frame sequences: SETTINGS with
 * bad values, HEADERS with junk HPACK, bounded CONTINUATION floods, WINDOW_UPDATE 0, RST_STREAM, PING, frames on the
 * wrong stream, and byte mutations of whole sequences. The server's frames are read back and classified.
 */
final class Http2Fuzzer implements ListenerFuzzer {

  static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  static final int DATA = 0, HEADERS = 1, PRIORITY = 2, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7,
      WINDOW_UPDATE = 8, CONTINUATION = 9;
  static final int END_STREAM = 0x1, END_HEADERS = 0x4;
  private static final TcpExchange.Limits LIMITS = new TcpExchange.Limits(400, 120, 2000, 1 << 20);
  private static final TcpExchange.Limits VALID_LIMITS = new TcpExchange.Limits(1000, 300, 3000, 1 << 20);

  private final int port;

  Http2Fuzzer(int port) {
    this.port = port;
  }

  @Override
  public String name() {
    return "h2c";
  }

  static byte[] frame(int type, int flags, int stream, byte[] payload) {
    return frame(payload.length, type, flags, stream, payload);
  }

  /** A frame whose declared length may differ from its payload. */
  static byte[] frame(int declaredLength, int type, int flags, int stream, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
    b.put((byte) (declaredLength >>> 16)).put((byte) (declaredLength >>> 8)).put((byte) declaredLength);
    b.put((byte) type).put((byte) flags).putInt(stream).put(payload);
    return b.array();
  }

  /** HPACK without Huffman or indexing: indexed :method/:scheme, literal :path and :authority with indexed names. */
  static byte[] requestHeaders(String method, String path, String authority, String... extra) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(method.equals("POST") ? 0x83 : 0x82);
    out.write(0x86);
    literal(out, 4, path);
    literal(out, 1, authority);
    for (int i = 0; i + 1 < extra.length; i += 2) {
      out.write(0x00);
      string(out, extra[i]);
      string(out, extra[i + 1]);
    }
    return out.toByteArray();
  }

  private static void literal(ByteArrayOutputStream out, int nameIndex, String value) {
    out.write(nameIndex);
    string(out, value);
  }

  private static void string(ByteArrayOutputStream out, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
    integer(out, bytes.length, 7, 0);
    out.write(bytes, 0, bytes.length);
  }

  private static void integer(ByteArrayOutputStream out, int value, int prefixBits, int firstByteFlags) {
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      out.write(firstByteFlags | value);
      return;
    }
    out.write(firstByteFlags | max);
    value -= max;
    while (value >= 128) {
      out.write((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }

  static byte[] settings(int... idValue) {
    ByteBuffer b = ByteBuffer.allocate(idValue.length / 2 * 6);
    for (int i = 0; i + 1 < idValue.length; i += 2) {
      b.putShort((short) idValue[i]).putInt(idValue[i + 1]);
    }
    return frame(SETTINGS, 0, 0, b.array());
  }

  private static byte[] concat(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(p -> out.write(p, 0, p.length));
    return out.toByteArray();
  }

  private byte[] get(int stream, String path) {
    return frame(HEADERS, END_STREAM | END_HEADERS, stream, requestHeaders("GET", path, "127.0.0.1:" + port));
  }

  @Override
  public FuzzInput generate(Random random) {
    List<byte[]> frames = new ArrayList<>();
    frames.add(PREFACE);
    frames.add(settings());
    String kind;
    int pick = random.nextInt(100);
    if (pick < 10) {
      kind = "valid";
      int streams = 1 + random.nextInt(4);
      for (int s = 0; s < streams; s++) {
        if (random.nextBoolean()) {
          frames.add(get(1 + 2 * s, "/apps/hello/" + s));
        } else {
          frames.add(frame(HEADERS, END_HEADERS, 1 + 2 * s, requestHeaders("POST", "/apps/echo/" + s, "127.0.0.1:" + port,
              "content-type", "text/plain")));
          frames.add(frame(DATA, END_STREAM, 1 + 2 * s, ("body" + s).getBytes(StandardCharsets.US_ASCII)));
        }
      }
      return FuzzInput.of("valid:" + streams + " streams", concat(frames)).validInput();
    } else if (pick < 75) {
      kind = "frames:" + hostileFrames(random, frames);
    } else {
      frames.add(get(1, "/apps/hello/"));
      frames.add(frame(PING, 0, 0, new byte[8]));
      frames.add(frame(HEADERS, END_HEADERS, 3, requestHeaders("POST", "/apps/echo/m", "127.0.0.1:" + port)));
      frames.add(frame(DATA, END_STREAM, 3, "mutate-me".getBytes(StandardCharsets.US_ASCII)));
      byte[] whole = concat(frames);
      byte[] body = java.util.Arrays.copyOfRange(whole, PREFACE.length, whole.length);
      Mutator.Mutated m = Mutator.mutate(random, body, List.of(body));
      frames = List.of(PREFACE, m.data());
      kind = "mutated:" + m.names();
    }
    FuzzInput input = FuzzInput.of(kind, concat(frames));
    if (random.nextInt(4) == 0) {
      input = input.withPieces(2 + random.nextInt(12));
    }
    if (random.nextInt(20) == 0) {
      input = input.withReset(PREFACE.length + random.nextInt(input.data().length - PREFACE.length + 1));
    }
    return input;
  }

  /** Appends one to three hostile frames (each after a valid request sometimes) and names them. */
  private String hostileFrames(Random random, List<byte[]> frames) {
    StringBuilder names = new StringBuilder();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      if (random.nextBoolean()) {
        frames.add(get(1 + 2 * i, "/apps/hello/"));
      }
      int stream = 1 + 2 * i;
      String name;
      switch (random.nextInt(14)) {
        case 0 -> { name = "settings-bad-value";
          int[][] bad = {{2, 2}, {4, 0x80000000}, {5, 1}, {5, 0xffffff}, {3, 0}, {1, 0xffffffff}, {6, 0}, {0x99, 1}};
          int[] b = bad[random.nextInt(bad.length)];
          frames.add(settings(b[0], b[1])); }
        case 1 -> { name = "settings-bad-length"; frames.add(frame(SETTINGS, 0, 0, new byte[1 + random.nextInt(5)])); }
        case 2 -> { name = "headers-junk-hpack"; byte[] junk = new byte[1 + random.nextInt(200)]; random.nextBytes(junk);
          frames.add(frame(HEADERS, END_HEADERS | (random.nextBoolean() ? END_STREAM : 0), stream, junk)); }
        case 3 -> { name = "continuation-flood"; int count = 1 + random.nextInt(300);
          frames.add(frame(HEADERS, 0, stream, requestHeaders("GET", "/apps/hello/", "x")));
          byte[] filler = requestHeaders("GET", "/", "y", "x-pad", "p".repeat(100));
          for (int c = 0; c < count; c++) {
            frames.add(frame(CONTINUATION, c == count - 1 && random.nextBoolean() ? END_HEADERS : 0, stream, filler));
          } }
        case 4 -> { name = "window-update-0"; frames.add(frame(WINDOW_UPDATE, 0, random.nextBoolean() ? 0 : stream, new byte[4])); }
        case 5 -> { name = "window-update-overflow"; frames.add(frame(WINDOW_UPDATE, 0, 0, new byte[] {0x7f, -1, -1, -1}));
          frames.add(frame(WINDOW_UPDATE, 0, 0, new byte[] {0x7f, -1, -1, -1})); }
        case 6 -> { name = "rst-stream"; frames.add(frame(RST_STREAM, 0, random.nextBoolean() ? stream : 0, new byte[] {0, 0, 0, 8})); }
        case 7 -> { name = "ping"; frames.add(frame(PING, random.nextInt(2), 0, new byte[random.nextBoolean() ? 8 : random.nextInt(16)])); }
        case 8 -> { name = "priority-self"; frames.add(frame(PRIORITY, 0, stream, new byte[] {0, 0, 0, (byte) stream, 16})); }
        case 9 -> { name = "data-wrong-stream"; frames.add(frame(DATA, END_STREAM, random.nextBoolean() ? 0 : stream + 100, new byte[10])); }
        case 10 -> { name = "oversized-frame"; frames.add(frame(0xffffff, HEADERS, END_HEADERS, stream, new byte[32])); }
        case 11 -> { name = "goaway"; frames.add(frame(GOAWAY, 0, 0, new byte[] {0, 0, 0, 0, 0, 0, 0, 2})); }
        case 12 -> { name = "bad-pseudo-headers";
          String[][] extra = {{":path", "/dup"}, {"Upper", "x"}, {"connection", "keep-alive"}, {"te", "gzip"},
              {":status", "200"}, {"content-length", "-1"}, {"x\u0000", "y"}, {"transfer-encoding", "chunked"}};
          String[] e = extra[random.nextInt(extra.length)];
          frames.add(frame(HEADERS, END_HEADERS | END_STREAM, stream, requestHeaders("GET", "/apps/echo/h", "x", e[0], e[1]))); }
        default -> { name = "random-frame"; byte[] payload = new byte[random.nextInt(64)]; random.nextBytes(payload);
          frames.add(frame(random.nextInt(12), random.nextInt(256), random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(8), payload)); }
      }
      names.append(i == 0 ? "" : "+").append(name);
    }
    return names.toString();
  }

  @Override
  public Outcome play(FuzzInput input) throws IOException {
    TcpExchange.Reply reply = TcpExchange.play(port, input, false, input.valid() ? VALID_LIMITS : LIMITS, null);
    if (reply.end() == TcpExchange.End.CLIENT_RESET) {
      return Outcome.of("client reset mid-frame");
    }
    Frames frames = Frames.read(reply.bytes());
    String cls;
    if (!frames.statuses.isEmpty()) {
      cls = "answered " + String.join("+", frames.statuses);
    } else if (frames.goaway != null) {
      cls = "GOAWAY " + frames.goaway;
    } else if (!frames.resets.isEmpty()) {
      cls = "RST_STREAM " + frames.resets.get(0);
    } else {
      cls = switch (reply.end()) {
        case CLOSED -> "closed, no frames but SETTINGS";
        case RESET -> "reset";
        default -> "no answer (waiting)";
      };
    }
    if (frames.goaway != null && !frames.statuses.isEmpty()) {
      cls += ", GOAWAY " + frames.goaway;
    }
    boolean noApplication = frames.body.toString().contains("no application at");
    for (String status : frames.statuses) {
      if (status.startsWith("5") && !(status.equals("503") && noApplication)) {
        return Outcome.violation(cls, "5xx for client input over HTTP/2: " + status);
      }
    }
    if (input.valid() && (frames.statuses.isEmpty() || frames.goaway != null && !frames.goaway.startsWith("NO_ERROR"))) {
      return Outcome.violation(cls, "valid HTTP/2 requests not answered cleanly");
    }
    return Outcome.of(cls);
  }

  /** The frames of the server's reply: statuses by HPACK-decoded HEADERS, resets and GOAWAY by error name. */
  static final class Frames {
    final List<String> statuses = new ArrayList<>();
    final List<String> resets = new ArrayList<>();
    final StringBuilder body = new StringBuilder();
    String goaway;

    static Frames read(byte[] bytes) {
      Frames f = new Frames();
      DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
      ByteArrayOutputStream block = new ByteArrayOutputStream();
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.remaining() >= 9) {
        int length = (b.get() & 0xff) << 16 | (b.get() & 0xff) << 8 | (b.get() & 0xff);
        int type = b.get() & 0xff;
        int flags = b.get() & 0xff;
        int stream = b.getInt() & 0x7fffffff;
        if (length > b.remaining()) {
          break;
        }
        byte[] payload = new byte[length];
        b.get(payload);
        if (type == HEADERS || type == CONTINUATION) {
          int from = 0;
          int to = payload.length;
          if (type == HEADERS && (flags & 0x8) != 0) {
            from = 1;
            to -= payload[0] & 0xff;
          }
          if (type == HEADERS && (flags & 0x20) != 0) {
            from += 5;
          }
          block.write(payload, from, Math.max(0, to - from));
          if ((flags & END_HEADERS) != 0) {
            try {
              Http2Headers headers = decoder.decodeHeaders(stream, Unpooled.wrappedBuffer(block.toByteArray()));
              if (headers.status() != null) {
                f.statuses.add(headers.status().toString());
              }
            } catch (Exception e) {
              f.statuses.add("undecodable");
            }
            block.reset();
          }
        } else if (type == DATA) {
          f.body.append(new String(payload, StandardCharsets.ISO_8859_1));
        } else if (type == RST_STREAM && length == 4) {
          f.resets.add(error(ByteBuffer.wrap(payload).getInt()));
        } else if (type == GOAWAY && length >= 8) {
          f.goaway = error(ByteBuffer.wrap(payload, 4, 4).getInt());
        }
      }
      return f;
    }

    private static String error(int code) {
      Http2Error e = Http2Error.valueOf(code & 0xffffffffL);
      return e == null ? "code " + code : e.name();
    }
  }

  @Override
  public String probe(long timeoutMs) throws IOException {
    byte[] request = concat(List.of(PREFACE, settings(), get(1, "/apps/hello/")));
    TcpExchange.Reply reply = TcpExchange.play(port, FuzzInput.of("probe", request), false,
        new TcpExchange.Limits(timeoutMs, timeoutMs, timeoutMs, 1 << 16),
        bytes -> Frames.read(bytes).body.toString().equals("Hello, world!"));
    Frames frames = Frames.read(reply.bytes());
    if (!frames.statuses.equals(List.of("200")) || !frames.body.toString().equals("Hello, world!")) {
      return "GET /apps/hello/ over h2c: " + reply.end() + ", statuses " + frames.statuses + ", goaway " + frames.goaway;
    }
    return reply.millis() > timeoutMs ? "GET /apps/hello/ over h2c took " + reply.millis() + " ms" : null;
  }
}
