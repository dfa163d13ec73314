package dev.switchboard.bus;

import io.vertx.core.json.JsonObject;

/**
 * A TCP echo connection opened or closed, published on {@link EchoBus#EVENTS}.
 *
 * <pre>{"type":"close","id":42,"listener":"raw","remote":"127.0.0.1:50312",
 *  "bytesIn":5,"bytesOut":5,"reason":"eof","durationMs":12,"peakPendingBytes":5}</pre>
 *
 * @param type       {@code open} or {@code close}
 * @param id         connection id, unique within the process
 * @param listener   the listener's name
 * @param remote     the client's address ({@code host:port}, or the socket path for a Unix socket)
 * @param bytesIn    bytes received (0 on open)
 * @param bytesOut   bytes sent back (0 on open)
 * @param reason     why it closed; null on open
 * @param durationMs how long it was open (0 on open)
 * @param peakPendingBytes the most bytes held at once for this connection: received and not yet sent back (0 on open)
 */
public record ConnectionEvent(String type, long id, String listener, String remote, long bytesIn, long bytesOut,
                              CloseReason reason, long durationMs, long peakPendingBytes) {

  public static final String OPEN = "open";
  public static final String CLOSE = "close";

  public static ConnectionEvent opened(long id, String listener, String remote) {
    return new ConnectionEvent(OPEN, id, listener, remote, 0, 0, null, 0, 0);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("type", type)
        .put("id", id)
        .put("listener", listener)
        .put("remote", remote)
        .put("bytesIn", bytesIn)
        .put("bytesOut", bytesOut);
    if (reason != null) {
      json.put("reason", reason.wireName()).put("durationMs", durationMs).put("peakPendingBytes", peakPendingBytes);
    }
    return json;
  }

  public static ConnectionEvent fromJson(JsonObject json) {
    String reason = json.getString("reason");
    return new ConnectionEvent(json.getString("type"), json.getLong("id"), json.getString("listener"),
        json.getString("remote"), json.getLong("bytesIn"), json.getLong("bytesOut"),
        reason == null ? null : CloseReason.fromWireName(reason),
        json.getLong("durationMs", 0L), json.getLong("peakPendingBytes", 0L));
  }
}
