package dev.switchboard.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The TCP echo service: one or more listeners ({@code echo.listeners}), by default one raw listener on 127.0.0.1:7007.
 */
public record EchoConfig(List<EchoListenerConfig> listeners) {

  public EchoConfig {
    listeners = List.copyOf(listeners);
  }

  public static EchoConfig defaults() {
    return new EchoConfig(List.of(EchoListenerConfig.defaults()));
  }

  static EchoConfig read(ConfigNode node) {
    List<ConfigNode> entries = node.children("listeners", 1);
    if (entries.isEmpty()) {
      throw node.conflict("listeners", "needs at least one listener (leave the echo role out to run none)");
    }
    List<EchoListenerConfig> listeners = entries.stream().map(EchoListenerConfig::read).toList();
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < listeners.size(); i++) {
      Integer other = names.putIfAbsent(listeners.get(i).name(), i);
      if (other != null) {
        throw node.conflict("listeners." + i + ".name",
            "'" + listeners.get(i).name() + "' is already the name of listener " + other + " (names must be unique)");
      }
    }
    node.finish();
    return new EchoConfig(listeners);
  }
}
