package dev.switchboard.deploy.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TCP event-bus bridge: 4-byte big-endian length + JSON frames. JSON-level inputs (wrong types, unknown types, not
 * an object, mutated JSON, deep nesting) are framed correctly and followed by a ping: the bridge must answer it or
 * close the connection, never leave it wedged. Frame-level inputs (huge or wrong declared lengths, byte mutations)
 * are judged only by the checks.
 */
final class BridgeFuzzer implements ListenerFuzzer {

  private static final String PING = "{\"type\":\"ping\"}";
  /** A ping after the input must be answered within VALID_LIMITS (generous: a loaded CI machine); other inputs are read briefly. */
  private static final TcpExchange.Limits VALID_LIMITS = new TcpExchange.Limits(1000, 300, 2000, 1 << 20);
  private static final TcpExchange.Limits LIMITS = new TcpExchange.Limits(300, 150, 2000, 1 << 20);
  private static final List<String> CORPUS = List.of(
      PING,
      "{\"type\":\"send\",\"address\":\"echo.request\",\"replyAddress\":\"r-1\",\"body\":{\"hi\":1}}",
      "{\"type\":\"send\",\"address\":\"echo.request\",\"body\":\"x\",\"headers\":{\"a\":\"b\"}}",
      "{\"type\":\"register\",\"address\":\"echo.events\"}",
      "{\"type\":\"unregister\",\"address\":\"echo.events\"}",
      "{\"type\":\"register\",\"address\":\"wsgi.fuzz\"}",
      "{\"type\":\"publish\",\"address\":\"echo.events\",\"body\":{}}",
      "{\"type\":\"send\",\"address\":\"nowhere.at.all\",\"replyAddress\":\"r-2\",\"body\":1}",
      "{\"type\":\"send\",\"address\":\"__vertx.reply.1\",\"body\":{\"status\":\"200 OK\"}}",
      "{\"type\":\"send\",\"address\":\"__vertx.reply.2\",\"failureCode\":500,\"message\":\"no\"}");
  private static final List<String> ODD_VALUES = List.of("null", "1", "-1", "1.5e308", "true", "[]", "[1,2]", "{}",
      "{\"a\":[]}", "\"\"", "\"" + "s".repeat(300) + "\"", "\"\\u0000\"", "\"\\ud800\"", "9223372036854775808");
  private static final List<String> ODD_TYPES = List.of("sendx", "", "PING", "Ping", "message", "err", "pong",
      "rec", "send ", "registerr", "\\u0000");

  /** The addresses the inputs register, each unique (wsgi.fuzzN); the gateway serves each as /apps/fuzzN/. */
  private static final Pattern REGISTERED = Pattern.compile("wsgi\\.(fuzz[0-9]+)");

  private final int port;
  private final int gatewayPort;

  BridgeFuzzer(int port, int gatewayPort) {
    this.port = port;
    this.gatewayPort = gatewayPort;
  }

  @Override
  public String name() {
    return "bridge";
  }

  static byte[] frame(String json) {
    return frame(json.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] frame(byte[] payload) {
    return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }

  @Override
  public FuzzInput generate(Random random) {
    int pick = random.nextInt(100);
    FuzzInput input;
    if (pick < 10) {
      int i = random.nextInt(CORPUS.size());
      input = FuzzInput.of("valid#" + i, concat(frame(unique(random, CORPUS.get(i))), frame(PING))).validInput();
    } else if (pick < 65) {
      String[] json = jsonAttack(random);
      ByteArrayOutputStream frames = new ByteArrayOutputStream();
      for (int i = 1; i < json.length; i++) {
        frames.writeBytes(frame(json[i]));
      }
      frames.writeBytes(frame(PING));
      input = FuzzInput.of(json[0], frames.toByteArray()).validInput();
    } else if (pick < 80) {
      int i = random.nextInt(CORPUS.size());
      byte[] mutated = Mutator.mutate(random, unique(random, CORPUS.get(i)).getBytes(StandardCharsets.UTF_8), corpusBytes()).data();
      input = FuzzInput.of("mutated-json#" + i, concat(frame(mutated), frame(PING))).validInput();
    } else {
      input = frameAttack(random);
    }
    if (random.nextInt(4) == 0) {
      input = input.withPieces(2 + random.nextInt(16));
    }
    if (random.nextInt(20) == 0) {
      input = input.withReset(random.nextInt(input.data().length + 1));
    }
    return input;
  }

  /** The text with wsgi.fuzz made unique (wsgi.fuzzN), so that a consumer left behind is traced to its input. */
  private static String unique(Random random, String json) {
    return json.replace("\"wsgi.fuzz\"", "\"wsgi.fuzz" + random.nextInt(1 << 24) + "\"");
  }

  private static List<byte[]> corpusBytes() {
    List<byte[]> list = new ArrayList<>();
    CORPUS.forEach(s -> list.add(s.getBytes(StandardCharsets.UTF_8)));
    return list;
  }

  /** Well-framed JSON payloads that the bridge must refuse politely: {kind, json, json...}. */
  private String[] jsonAttack(Random random) {
    String odd = ODD_VALUES.get(random.nextInt(ODD_VALUES.size()));
    switch (random.nextInt(9)) {
      case 0: return new String[] {"wrong-type:type", "{\"type\":" + odd + ",\"address\":\"echo.request\",\"body\":1}"};
      case 1: return new String[] {"wrong-type:address", "{\"type\":\"" + Mutator.pick(random, "send", "publish", "register",
          "unregister") + "\",\"address\":" + odd + ",\"body\":1}"};
      case 2: return new String[] {"wrong-type:headers", "{\"type\":\"send\",\"address\":\"echo.request\",\"replyAddress\":\"r-3\","
          + "\"headers\":" + Mutator.pick(random, "\"h\"", "[]", "1", "{\"a\":1}", "{\"a\":null}", "{\"a\":[\"b\"]}", "{\"token\":{}}")
          + ",\"body\":1}"};
      case 3: return new String[] {"wrong-type:replyAddress", "{\"type\":\"send\",\"address\":\"echo.request\",\"replyAddress\":"
          + odd + ",\"body\":1}"};
      case 4: return new String[] {"unknown-type", "{\"type\":\"" + ODD_TYPES.get(random.nextInt(ODD_TYPES.size()))
          + "\",\"address\":\"echo.request\",\"body\":1}"};
      case 5: return new String[] {"not-an-object", Mutator.pick(random, "[]", "1", "\"ping\"", "null", "true", "", " ", "[{\"type\":\"ping\"}]")};
      case 6: {
        int depth = 10 + random.nextInt(3000);
        return new String[] {"deep-nesting", "{\"type\":\"send\",\"address\":\"echo.request\",\"body\":" + "[".repeat(depth)
            + "]".repeat(depth) + "}"};
      }
      case 7: {
        String register = unique(random, "{\"type\":\"register\",\"address\":\"wsgi.fuzz\"}");
        return new String[] {"register-twice", register, register};
      }
      default: return new String[] {"failure-reply", "{\"type\":\"send\",\"address\":\"__vertx.reply." + random.nextInt(100)
          + "\",\"failureCode\":" + odd + ",\"message\":" + odd + "}"};
    }
  }

  /** Frames whose header lies: huge, zero, shorter or longer than the payload; or bytes mutated across frames. */
  private FuzzInput frameAttack(Random random) {
    byte[] json = CORPUS.get(random.nextInt(CORPUS.size())).getBytes(StandardCharsets.UTF_8);
    switch (random.nextInt(5)) {
      case 0: {
        int declared = List.of(0x7fffffff, 0xffffffff, 4194305, 0x80000000, 1 << 30).get(random.nextInt(5));
        return FuzzInput.of("huge-declared-length", concat(ByteBuffer.allocate(4).putInt(declared).array(), json));
      }
      case 1:
        return FuzzInput.of("zero-length", concat(new byte[4], frame(PING))).validInput();
      case 2:
        return FuzzInput.of("length-short", concat(ByteBuffer.allocate(4).putInt(json.length / 2).array(), json, frame(PING)));
      case 3:
        return FuzzInput.of("length-long", concat(ByteBuffer.allocate(4).putInt(json.length + 1 + random.nextInt(1000)).array(), json));
      default: {
        byte[] whole = concat(frame(json), frame(PING));
        Mutator.Mutated m = Mutator.mutate(random, whole, List.of(whole));
        return FuzzInput.of("mutated-frames:" + m.names(), m.data());
      }
    }
  }

  @Override
  public Outcome play(FuzzInput input) throws IOException {
    TcpExchange.Reply reply = input.valid() ? TcpExchange.play(port, input, false, VALID_LIMITS, BridgeFuzzer::hasPong)
        : TcpExchange.play(port, input, false, LIMITS, null);
    if (reply.end() == TcpExchange.End.CLIENT_RESET) {
      return Outcome.of("client reset mid-frame");
    }
    List<String> frames = frames(reply.bytes());
    boolean pong = frames.stream().anyMatch(f -> f.contains("\"pong\""));
    String err = frames.stream().filter(f -> f.contains("\"err\"")).findFirst()
        .map(f -> f.replaceAll(".*\"message\"\\s*:\\s*\"([^\"]{0,40}).*", "$1").replaceAll("[0-9]+", "N")).orElse(null);
    String ending = switch (reply.end()) {
      case CLOSED -> "closed";
      case RESET -> "reset";
      case COMPLETE -> "open";
      default -> "open, silent";
    };
    String cls = (err != null ? "err '" + err + "', " : "") + (pong ? "pong, " : "") + ending;
    String stray;
    try {
      stray = strayConsumers(input);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stray = null;
    }
    if (stray != null) {
      return Outcome.violation(cls, stray);
    }
    if (input.valid() && !pong && reply.end() != TcpExchange.End.CLOSED && reply.end() != TcpExchange.End.RESET) {
      return Outcome.violation(cls, "wedged: a ping after the input got no pong within " + VALID_LIMITS.noReplyMs()
          + " ms and the connection stayed open");
    }
    return Outcome.of(cls);
  }

  static boolean hasPong(byte[] bytes) {
    return frames(bytes).stream().anyMatch(f -> f.contains("\"pong\""));
  }

  private static boolean echoedAndPonged(byte[] bytes) {
    List<String> frames = frames(bytes);
    return frames.stream().anyMatch(f -> f.contains("\"r-1\"") && f.contains("\"hi\":1")) && hasPong(bytes);
  }

  static List<String> frames(byte[] bytes) {
    List<String> frames = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.remaining() >= 4) {
      int length = b.getInt();
      if (length < 0 || length > b.remaining()) {
        break;
      }
      byte[] payload = new byte[length];
      b.get(payload);
      frames.add(new String(payload, StandardCharsets.UTF_8));
    }
    return frames;
  }

  /**
   * Once the connection that registered wsgi.NAME is closed, nothing may still consume it: the gateway must answer
   * /apps/NAME/ with its immediate 503 "no application", not hand the request to a consumer whose socket is gone.
   * Tried three times, 200 ms apart, since the bridge learns of the close asynchronously. Null when all is well.
   */
  private String strayConsumers(FuzzInput input) throws IOException, InterruptedException {
    List<String> stray = new ArrayList<>();
    Set<String> apps = new LinkedHashSet<>();
    Matcher names = REGISTERED.matcher(new String(input.data(), StandardCharsets.ISO_8859_1));
    while (names.find()) {
      apps.add(names.group(1));
    }
    for (String app : apps) {
      String answer = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        answer = refusedAtOnce(app);
        if (answer == null) {
          break;
        }
        Thread.sleep(200);
      }
      if (answer != null) {
        stray.add("wsgi." + app + " (" + answer + ")");
      }
    }
    return stray.isEmpty() ? null : "a consumer outlives its closed bridge connection: GET /apps/NAME/ is not refused at once for "
        + String.join(", ", stray);
  }

  private String refusedAtOnce(String app) throws IOException {
    FuzzInput get = FuzzInput.of("stray-check", HttpFuzzer.ascii("GET /apps/" + app + "/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    TcpExchange.Reply reply = TcpExchange.play(gatewayPort, get, false, new TcpExchange.Limits(300, 100, 300, 1 << 16),
        HttpResponses::hasResponse);
    List<HttpResponses.Response> responses = HttpResponses.parse(reply.bytes());
    if (!responses.isEmpty() && responses.get(0).status() == 503 && responses.get(0).body().startsWith("no application")) {
      return null;
    }
    return responses.isEmpty() ? "no answer within 300 ms" : responses.get(0).status() + " " + responses.get(0).body().strip();
  }

  @Override
  public String probe(long timeoutMs) throws IOException {
    byte[] request = concat(frame(CORPUS.get(1)), frame(PING));
    TcpExchange.Reply reply = TcpExchange.play(port, FuzzInput.of("probe", request), false,
        new TcpExchange.Limits(timeoutMs, timeoutMs, timeoutMs, 1 << 16), BridgeFuzzer::echoedAndPonged);
    List<String> frames = frames(reply.bytes());
    if (!echoedAndPonged(reply.bytes())) {
      return "bridge echo.request + ping: " + reply.end() + ", frames " + frames;
    }
    return reply.millis() > timeoutMs ? "bridge echo.request + ping took " + reply.millis() + " ms" : null;
  }
}
