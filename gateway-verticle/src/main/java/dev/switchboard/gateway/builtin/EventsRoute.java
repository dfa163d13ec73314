package dev.switchboard.gateway.builtin;

import dev.switchboard.bus.EchoBus;
import dev.switchboard.bus.UdpBus;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.connection.UnsentBytes.Completion;
import dev.switchboard.connection.UnsentBytes;
import dev.switchboard.gateway.meters.GatewayMeters.Failure;
import dev.switchboard.gateway.meters.GatewayMeters;
import dev.switchboard.gateway.http.ErrorResponses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /events[?source=echo,udp]}: server-sent events of {@code echo.events} ({@code event: echo}) and
 * {@code udp.datagrams} ({@code event: udp}). While more than {@code events.queueBytes} written to a client are not
 * yet taken by its socket, its events are dropped and counted rather than buffered; a comment every 15 s keeps
 * proxies from closing an idle stream and finds clients that are gone.
 */
public final class EventsRoute implements Handler<RoutingContext> {

  static final long KEEPALIVE_MS = 15_000;
  private static final Map<String, String> SOURCES = new LinkedHashMap<>();

  static {
    SOURCES.put("echo", EchoBus.EVENTS);
    SOURCES.put("udp", UdpBus.DATAGRAMS);
  }

  private final Vertx vertx;
  private final GatewayConfig config;
  private final GatewayMeters meters;
  private final ErrorResponses errors;

  public EventsRoute(Vertx vertx, GatewayConfig config, GatewayMeters meters, ErrorResponses errors) {
    this.vertx = vertx;
    this.config = config;
    this.meters = meters;
    this.errors = errors;
  }

  @Override
  public void handle(RoutingContext ctx) {
    List<String> sources = Arrays.stream(ctx.request().getParam("source", String.join(",", SOURCES.keySet())).split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
    if (sources.isEmpty() || !SOURCES.keySet().containsAll(sources)) {
      errors.send(ctx, 400, Failure.BAD_REQUEST, "source must be some of " + String.join(",", SOURCES.keySet()));
      return;
    }
    if (!meters.tryAddEventClient(config.eventsMaxClients())) {
      errors.send(ctx, 503, Failure.AT_CAPACITY, "too many event clients (limit " + config.eventsMaxClients() + ")");
      return;
    }
    HttpServerResponse response = ctx.response()
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    UnsentBytes pending = new UnsentBytes();
    List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
    for (String source : sources) {
      consumers.add(vertx.eventBus().consumer(SOURCES.get(source), m -> send(response, pending, source, m.body())));
    }
    long keepalive = vertx.setPeriodic(KEEPALIVE_MS, t -> write(response, pending, Buffer.buffer(": keepalive\n\n")));
    response.closeHandler(v -> {
      vertx.cancelTimer(keepalive);
      consumers.forEach(MessageConsumer::unregister);
      meters.onEventClientGone();
    });
    Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .onComplete(ready -> write(response, pending,
            Buffer.buffer(": connected to " + String.join(",", sources) + "\n\n")));
  }

  private void send(HttpServerResponse response, UnsentBytes pending, String source, JsonObject event) {
    if (pending.pending() > config.eventsQueueBytes()) {
      meters.onEventDropped();
      return;
    }
    write(response, pending,
        Buffer.buffer("event: " + source + "\ndata: ").appendBuffer(event.toBuffer()).appendString("\n\n"));
    meters.onEventSent();
  }

  /** Writes to the client, counted until its socket has taken the bytes. */
  private static void write(HttpServerResponse response, UnsentBytes pending, Buffer data) {
    pending.write(data, response::write, Completion.IGNORE);
  }
}
