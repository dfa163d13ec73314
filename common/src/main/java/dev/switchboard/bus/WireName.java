package dev.switchboard.bus;

import java.util.Locale;

/** How enum constants appear in JSON, logs and metrics: {@code FRAME_TOO_LONG} is {@code frame-too-long}. */
public final class WireName {

  private WireName() {
  }

  public static String of(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
