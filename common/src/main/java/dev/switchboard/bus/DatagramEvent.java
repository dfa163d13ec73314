package dev.switchboard.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * A datagram the UDP service received, published on {@link UdpBus#DATAGRAMS}.
 *
 * <pre>{"from":"127.0.0.1:40000","to":"127.0.0.1:7007","size":5,"data":"aGVsbG8=","receivedAt":1763920000000}</pre>
 *
 * @param from       sender, {@code host:port}
 * @param to         the service's address that received it
 * @param data       the bytes (base64 in JSON)
 * @param receivedAt wall-clock time of receipt, milliseconds since the epoch
 */
public record DatagramEvent(String from, String to, Buffer data, long receivedAt) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("from", from)
        .put("to", to)
        .put("size", data.length())
        .put("data", Base64.getEncoder().encodeToString(data.getBytes()))
        .put("receivedAt", receivedAt);
  }

  public static DatagramEvent fromJson(JsonObject json) {
    return new DatagramEvent(json.getString("from"), json.getString("to"),
        Buffer.buffer(Base64.getDecoder().decode(json.getString("data"))), json.getLong("receivedAt"));
  }
}
