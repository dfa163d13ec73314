package dev.switchboard.echo;

import dev.switchboard.bus.ConnectionEvent;
import dev.switchboard.bus.EchoBus;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.EchoConfig;
import dev.switchboard.config.EchoListenerConfig;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.net.MemoryBudget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An echo service deployed for one test, with its meters, its memory budget and a queue of the events it published. */
record RunningEcho(List<BoundListener> listeners, EchoMeters meters, MemoryBudget budget,
                   BlockingQueue<ConnectionEvent> events) {

  /**
   * A listener configured exactly as a user would, through the configuration reader: {@code "framing", "line", ...}
   * sets {@code echo.listeners.0.framing}. The port is 0 unless given.
   */
  static EchoListenerConfig listener(String... keyValues) {
    Map<String, String> keys = new HashMap<>();
    keys.put("echo.listeners.0.port", "0");
    for (int i = 0; i < keyValues.length; i += 2) {
      keys.put("echo.listeners.0." + keyValues[i], keyValues[i + 1]);
    }
    return ConfigLoader.load(null, new OverrideSource(keys, Map.of(), Map.of())).echo().listeners().get(0);
  }

  static RunningEcho start(Vertx vertx, EchoListenerConfig... listeners) throws Exception {
    return start(vertx, new MemoryBudget(EchoConfig.DEFAULT_MAX_BUFFERED_BYTES), listeners);
  }

  /** With a budget of its own ({@code echo.maxBufferedBytes}), which the test can watch. */
  static RunningEcho start(Vertx vertx, MemoryBudget budget, EchoListenerConfig... listeners) throws Exception {
    EchoMeters meters = new EchoMeters(new SimpleMeterRegistry(), budget);
    BlockingQueue<ConnectionEvent> events = new LinkedBlockingQueue<>();
    vertx.eventBus().<JsonObject>consumer(EchoBus.EVENTS, m -> events.add(ConnectionEvent.fromJson(m.body())))
        .completion().await(10, TimeUnit.SECONDS);
    EchoVerticle verticle = new EchoVerticle(new EchoConfig(List.of(listeners), budget.max()), meters,
        budget);
    vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
    return new RunningEcho(verticle.boundListeners(), meters, budget, events);
  }

  int port() {
    return listeners.get(0).port();
  }

  ListenerMeters meters(String listener) {
    return meters.listener(listener);
  }

  /** The next close event, skipping open events; fails after the timeout. */
  ConnectionEvent nextClose(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ConnectionEvent event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (event == null) {
        throw new AssertionError("no close event within " + timeout);
      }
      if (event.type().equals(ConnectionEvent.CLOSE)) {
        return event;
      }
    }
  }
}
