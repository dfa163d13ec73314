package dev.switchboard.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;

/**
 * Checks one client frame before the Vert.x bridge sees it. The bridge reads each field with a typed getter; a frame
 * it cannot read throws inside its parser, which then keeps that frame and everything after it: the connection
 * answers nothing more and buffers all it reads. So every field the bridge reads is checked here with the type the
 * bridge expects, and the token when one is configured. No I/O and no Vert.x state: one frame in, one verdict out.
 */
final class BridgeFrameValidator {

  /** The frame types the Vert.x bridge acts on. */
  static final Set<String> TYPES = Set.of("send", "publish", "register", "unregister", "ping");
  /** Longest text of a refusal's detail (it may quote the client's input). */
  private static final int MAX_DETAIL = 200;

  /** What became of a frame. */
  sealed interface Verdict permits Accepted, Refused {
  }

  /**
   * The frame may go to the bridge.
   *
   * @param rewritten the frame to pass on instead of the client's bytes (the token taken out of its headers), or null
   */
  record Accepted(String type, String address, JsonObject rewritten) implements Verdict {
  }

  /**
   * The frame is answered with an error frame and goes no further.
   *
   * @param code         {@code invalid_json}, {@code invalid_frame}, {@code unknown_type}, {@code missing_address} or
   *                     {@code invalid_token}
   * @param replyAddress the frame's reply address when it had one, so that the client's waiting request fails at once
   */
  record Refused(String code, String detail, String replyAddress) implements Verdict {

    /** {@code {"type":"err","message":code,"detail":...}}, with {@code address} = the reply address if there was one. */
    JsonObject toFrame() {
      JsonObject frame = new JsonObject().put("type", "err").put("message", code).put("detail", detail);
      if (replyAddress != null) {
        frame.put("address", replyAddress);
      }
      return frame;
    }
  }

  private final byte[] token;

  /** @param token required in every frame's {@code headers.token}; empty for none */
  BridgeFrameValidator(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  /** The verdict on one frame's payload (the bytes after its length). */
  Verdict check(Buffer payload) {
    JsonObject frame;
    try {
      frame = new JsonObject(payload);
    } catch (RuntimeException e) {
      // Not UTF-8, not JSON (NaN is not), nested too deep, or not an object.
      return new Refused("invalid_json", clip(String.valueOf(e.getMessage())), null);
    }
    return check(frame);
  }

  Verdict check(JsonObject frame) {
    String replyAddress = frame.getValue("replyAddress") instanceof String s ? s : null;
    Object type = frame.getValue("type");
    if (!(type instanceof String typeName)) {
      return invalid(type == null ? "type is missing" : "type must be a string", replyAddress);
    }
    if (!TYPES.contains(typeName)) {
      return new Refused("unknown_type", clip("no frame type '" + typeName + "'"), replyAddress);
    }
    Object headers = frame.getValue("headers");
    if (headers != null) {
      if (!(headers instanceof JsonObject headerObject)) {
        return invalid("headers must be a JSON object", replyAddress);
      }
      String bad = badHeader(headerObject);
      if (bad != null) {
        return invalid(bad, replyAddress);
      }
    }
    if (token.length > 0 && !tokenMatches(headers)) {
      return new Refused("invalid_token", "this bridge needs its token in headers.token of every frame", replyAddress);
    }
    Object address = frame.getValue("address");
    if (address == null && !"ping".equals(typeName)) {
      return new Refused("missing_address", typeName + " needs an address", replyAddress);
    }
    if (address != null && !(address instanceof String s && !s.isEmpty())) {
      return invalid("address must be a non-empty string", replyAddress);
    }
    if (frame.containsKey("replyAddress") && replyAddress == null) {
      return invalid("replyAddress must be a string", null);
    }
    if (frame.containsKey("failureCode") && !isInt(frame.getValue("failureCode"))) {
      return invalid("failureCode must be an integer", replyAddress);
    }
    if (frame.containsKey("message") && !(frame.getValue("message") instanceof String)) {
      return invalid("message must be a string", replyAddress);
    }
    if (!sendable(frame.getValue("body"))) {
      return invalid("body must be null, a string, a boolean, an object, an array or a number that fits in 64 bits",
          replyAddress);
    }
    JsonObject rewritten = null;
    if (token.length > 0) {
      // The token is for the bridge: it must not travel on as a message header to whoever receives the message.
      rewritten = frame.copy();
      rewritten.getJsonObject("headers").remove("token");
    }
    return new Accepted(typeName, (String) address, rewritten);
  }

  /** What the Vert.x bridge would fail on in the headers (it turns them into delivery options), or null. */
  private static String badHeader(JsonObject headers) {
    for (Map.Entry<String, Object> header : headers) {
      Object value = header.getValue();
      switch (header.getKey()) {
        case "timeout" -> {
          if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() <= 0) {
            return "headers.timeout must be a positive integer (milliseconds)";
          }
        }
        case "localOnly" -> {
          if (!(value instanceof Boolean)) {
            return "headers.localOnly must be a boolean";
          }
        }
        case "codecName" -> {
          return "headers.codecName is not accepted: bodies travel as JSON";
        }
        default -> {
          if (!(value instanceof String)) {
            return "headers." + clip(header.getKey()) + " must be a string";
          }
        }
      }
    }
    return null;
  }

  private boolean tokenMatches(Object headers) {
    Object given = headers instanceof JsonObject h ? h.getValue("token") : null;
    return given instanceof String s && MessageDigest.isEqual(token, s.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean isInt(Object value) {
    return value instanceof Integer || value instanceof Long l && l == l.intValue();
  }

  /** Whether the event bus has a codec for the body: a number out of 64 bits (a BigInteger) has none. */
  private static boolean sendable(Object body) {
    return body == null || body instanceof String || body instanceof Boolean || body instanceof JsonObject
        || body instanceof JsonArray || body instanceof Integer || body instanceof Long
        || body instanceof Double d && Double.isFinite(d);
  }

  private static Refused invalid(String detail, String replyAddress) {
    return new Refused("invalid_frame", detail, replyAddress);
  }

  /** At most {@link #MAX_DETAIL} characters, control characters replaced: it goes into logs, one line each. */
  static String clip(String text) {
    String clipped = text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) + "..." : text;
    StringBuilder out = new StringBuilder(clipped.length());
    for (int i = 0; i < clipped.length(); i++) {
      char c = clipped.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return out.toString();
  }
}
