package dev.switchboard.config;

import static dev.switchboard.config.KeyDoc.doc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The TCP echo service: one or more listeners ({@code echo.listeners}), by default one raw listener on 127.0.0.1:7007.
 *
 * @param listeners        the listeners ({@code listeners})
 * @param maxBufferedBytes bytes the whole service holds for its clients at once, over every listener: unfinished
 *                         frames and output not yet sent. A connection that needs more is closed (with an error line in
 *                         the framed modes). One budget for the service rather than one per listener, because the
 *                         listeners share one heap ({@code maxBufferedBytes}). Default: an eighth of the heap
 *                         ({@link #DEFAULT_MAX_BUFFERED_BYTES}).
 */
public record EchoConfig(List<EchoListenerConfig> listeners, long maxBufferedBytes) {

  /**
   * An eighth of the JVM's maximum heap: 60 MiB under {@code switchboard.sh}'s {@code -Xmx512m} (486 MiB usable). With
   * the gateway's bodies (a quarter) and the bridge (an eighth), the budgets of one process stay within half the heap.
   */
  public static final long DEFAULT_MAX_BUFFERED_BYTES = Runtime.getRuntime().maxMemory() / 8;

  public EchoConfig {
    listeners = List.copyOf(listeners);
  }

  /** The listeners with the default budget. */
  public EchoConfig(List<EchoListenerConfig> listeners) {
    this(listeners, DEFAULT_MAX_BUFFERED_BYTES);
  }

  public static EchoConfig defaults() {
    return new EchoConfig(List.of(EchoListenerConfig.defaults()));
  }

  static EchoConfig read(ConfigNode node) {
    List<ConfigNode> entries = node.children("listeners", 1, doc("the TCP echo listeners, one entry each, with its own port and framing")
        .defaultShownAs("one raw listener"));
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
    long maxBufferedBytes = node.longInteger("maxBufferedBytes", DEFAULT_MAX_BUFFERED_BYTES, 1, Long.MAX_VALUE,
        doc("bytes all echo connections hold at once, over every listener (unfinished frames, unsent output); a"
            + " connection that needs more is closed (`buffer-budget`; `ERR out of buffer space (limit N)` in the framed"
            + " modes)").defaultShownAs("heap / 8"));
    node.finish();
    return new EchoConfig(listeners, maxBufferedBytes);
  }
}
