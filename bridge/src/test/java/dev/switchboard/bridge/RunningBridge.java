package dev.switchboard.bridge;

import dev.switchboard.config.BridgeConfig;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.net.MemoryBudget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A bridge on an ephemeral port with the given {@code bridge.*} keys, its meters and its memory budget. */
public record RunningBridge(int port, BridgeMeters meters, BridgeConfig config, MemoryBudget budget) {

  public static RunningBridge start(Vertx vertx, String... keyValues) throws Exception {
    Map<String, String> keys = new HashMap<>(Map.of("bridge.port", "0"));
    for (int i = 0; i < keyValues.length; i += 2) {
      keys.put("bridge." + keyValues[i], keyValues[i + 1]);
    }
    BridgeConfig config = ConfigLoader.load(null, new OverrideSource(keys, Map.of(), Map.of())).bridge();
    MemoryBudget budget = new MemoryBudget(config.maxBufferedBytes());
    BridgeMeters meters = new BridgeMeters(new SimpleMeterRegistry(), budget);
    BridgeVerticle verticle = new BridgeVerticle(config, meters, budget);
    vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
    return new RunningBridge(verticle.boundListeners().get(0).port(), meters, config, budget);
  }
}
