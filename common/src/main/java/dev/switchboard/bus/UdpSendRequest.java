package dev.switchboard.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Base64;

/**
 * A request on {@link UdpBus#SEND}: send one datagram, and optionally wait for the first datagram back from that
 * destination.
 *
 * <pre>{"host":"127.0.0.1","port":9999,"data":"cGluZw==","awaitReply":true,"timeoutMs":1000}</pre>
 *
 * @param host       destination address or name
 * @param port       destination port, 1-65535
 * @param data       the bytes (base64 in JSON; empty allowed)
 * @param awaitReply wait for a datagram back (default false)
 * @param timeout    how long to wait for it (default 1000 ms)
 */
public record UdpSendRequest(String host, int port, Buffer data, boolean awaitReply, Duration timeout) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  public JsonObject toJson() {
    return new JsonObject()
        .put("host", host)
        .put("port", port)
        .put("data", Base64.getEncoder().encodeToString(data.getBytes()))
        .put("awaitReply", awaitReply)
        .put("timeoutMs", timeout.toMillis());
  }

  /**
   * Reads and checks a request.
   *
   * @throws BusRequestException with {@link FailureCodes#BAD_REQUEST} naming the field that is wrong
   */
  public static UdpSendRequest fromJson(Object body) {
    if (!(body instanceof JsonObject json)) {
      throw bad("the request must be a JSON object");
    }
    String host = text(json, "host");
    if (host.isBlank()) {
      throw bad("host must not be empty");
    }
    Object port = json.getValue("port");
    if (!(port instanceof Integer || port instanceof Long) || ((Number) port).longValue() < 1
        || ((Number) port).longValue() > 65535) {
      throw bad("port must be a whole number from 1 to 65535");
    }
    byte[] data;
    try {
      data = Base64.getDecoder().decode(text(json, "data"));
    } catch (IllegalArgumentException e) {
      throw bad("data is not valid base64");
    }
    Object await = json.getValue("awaitReply", false);
    if (!(await instanceof Boolean)) {
      throw bad("awaitReply must be true or false");
    }
    Object timeout = json.getValue("timeoutMs", DEFAULT_TIMEOUT.toMillis());
    if (!(timeout instanceof Integer || timeout instanceof Long) || ((Number) timeout).longValue() < 1) {
      throw bad("timeoutMs must be a positive whole number");
    }
    return new UdpSendRequest(host, ((Number) port).intValue(), Buffer.buffer(data), (Boolean) await,
        Duration.ofMillis(((Number) timeout).longValue()));
  }

  private static String text(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      throw bad(field + " is missing");
    }
    if (!(value instanceof String s)) {
      throw bad(field + " must be a string");
    }
    return s;
  }

  private static BusRequestException bad(String message) {
    return new BusRequestException(FailureCodes.BAD_REQUEST, message);
  }
}
