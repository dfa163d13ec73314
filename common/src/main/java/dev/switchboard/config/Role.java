package dev.switchboard.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A service that a Switchboard process can run; {@code --roles} picks a subset. */
public enum Role {
  ECHO, UDP, GATEWAY, BRIDGE;

  /** The name used in configuration and on the command line. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Map<String, Role> byWireName() {
    Map<String, Role> names = new LinkedHashMap<>();
    Arrays.stream(values()).forEach(r -> names.put(r.wireName(), r));
    return names;
  }
}
