package dev.switchboard.counters;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The echo service's counters, per listener name; one object per process, read by tests and the metrics endpoint. */
public final class EchoCounters {

  private final Map<String, ListenerCounters> listeners = new ConcurrentHashMap<>();

  public ListenerCounters listener(String name) {
    return listeners.computeIfAbsent(name, n -> new ListenerCounters());
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    listeners.forEach((name, counters) -> json.put(name, counters.toJson()));
    return json;
  }
}
