package dev.switchboard.bridge;

import dev.switchboard.access.BusInternals;
import dev.switchboard.config.BridgeConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;

/**
 * Decides each bridge frame: send, publish and register are allowed only on their own lists (the Vert.x bridge alone
 * knows just "inbound" and "outbound"), and replies to messages a client received are always allowed. A refused frame
 * gets the bridge's error frame. (The token is checked earlier, on every frame, by {@link BridgeFrameValidator}.)
 */
final class BridgePolicy {

  private final BridgeConfig config;
  private final ThrottledWarning warnings;

  /** @param warnings where refusals are logged: a client can repeat them at will */
  BridgePolicy(BridgeConfig config, ThrottledWarning warnings) {
    this.config = config;
    this.warnings = warnings;
  }

  void handle(BridgeEvent event) {
    JsonObject frame = event.getRawMessage();
    String address = frame == null ? null : frame.getString("address");
    boolean allowed = switch (event.type()) {
      // A reply: the bridge itself checks that the client really received the message it answers.
      case SEND -> config.send().matches(address)
          || (address != null && address.startsWith(BusInternals.REPLY_ADDRESS_PREFIX));
      case PUBLISH -> config.publish().matches(address);
      case REGISTER -> mayRegister(address);
      default -> true;
    };
    if (!allowed) {
      warnings.warn(() -> "bridge client " + event.socket().remoteAddress() + ": " + type(event.type()) + " "
          + BridgeFrameValidator.clip(String.valueOf(address)) + " refused by the allow-lists");
    }
    event.complete(allowed);
  }

  /** Whether a register frame for the address makes the bridge register a consumer. */
  boolean mayRegister(String address) {
    return config.register().matches(address) || config.receive().matches(address);
  }

  private static String type(BridgeEventType type) {
    return type.name().toLowerCase(java.util.Locale.ROOT);
  }
}
