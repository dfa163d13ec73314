package dev.switchboard.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * The reply to a {@link UdpSendRequest}.
 *
 * <pre>{"sent":true,"reply":"cG9uZw==","from":"127.0.0.1:9999","timedOut":false}</pre>
 *
 * @param sent     the datagram left the socket
 * @param reply    the first datagram back from the destination, or null (none awaited, or none in time)
 * @param from     who sent the reply ({@code host:port}), or null
 * @param timedOut a reply was awaited and none came in time
 */
public record UdpSendResult(boolean sent, Buffer reply, String from, boolean timedOut) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("sent", sent)
        .put("reply", reply == null ? null : Base64.getEncoder().encodeToString(reply.getBytes()))
        .put("from", from)
        .put("timedOut", timedOut);
  }

  public static UdpSendResult fromJson(JsonObject json) {
    String reply = json.getString("reply");
    return new UdpSendResult(json.getBoolean("sent"), reply == null ? null : Buffer.buffer(Base64.getDecoder().decode(reply)),
        json.getString("from"), json.getBoolean("timedOut"));
  }
}
