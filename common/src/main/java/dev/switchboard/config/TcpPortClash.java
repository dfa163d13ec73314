package dev.switchboard.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Two TCP listeners of one process on the same fixed host and port would not fail to bind: Vert.x shares a server
 * address between servers of one process and would spread connections over both services. So it is refused here.
 */
final class TcpPortClash {

  private final SwitchboardConfig config;
  private final Map<String, String> owners = new HashMap<>();

  TcpPortClash(SwitchboardConfig config) {
    this.config = config;
  }

  void check() {
    if (config.runs(Role.ECHO)) {
      for (int i = 0; i < config.echo().listeners().size(); i++) {
        EchoListenerConfig listener = config.echo().listeners().get(i);
        if (!listener.isUnixSocket()) {
          claim("echo.listeners." + i + ".port", listener.host(), listener.port(), "echo listener " + listener.name());
        }
      }
    }
    if (config.runs(Role.GATEWAY)) {
      claim("gateway.port", config.gateway().host(), config.gateway().port(), "the gateway");
    }
    if (config.runs(Role.BRIDGE)) {
      claim("bridge.port", config.bridge().host(), config.bridge().port(), "the bridge");
    }
  }

  private void claim(String key, String host, int port, String owner) {
    if (port == 0) {
      return;
    }
    String previous = owners.putIfAbsent(host + "|" + port, owner);
    if (previous != null) {
      throw new ConfigException("config key " + key + ": " + host + ":" + port + " is already used by " + previous);
    }
  }
}
