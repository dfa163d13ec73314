package dev.switchboard.gateway.meters;

import dev.switchboard.metrics.EnumCounters;
import dev.switchboard.metrics.LimitedCount;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP gateway's meters ({@code switchboard_gateway_*}, docs/metrics.md), and the counts its limits admit against
 * (connections, event clients). One object per gateway, shared by its instances. Thread-safe.
 */
public final class GatewayMeters {

  /** Why a request did not get an application's answer. */
  public enum Failure {
    NO_APPLICATION, TIMEOUT, APPLICATION_FAILED, INVALID_REPLY, BAD_REQUEST, BODY_TOO_LARGE, NOT_FOUND, METHOD_NOT_ALLOWED,
    STREAM_ABORTED,
    /** The request body did not arrive in time (408): its gap, minimum rate or total deadline. */
    BODY_TIMEOUT,
    /** The cluster node serving the request left before answering (502, Retry-After). */
    NODE_LOST,
    /** The client went over its rate limit (429). */
    RATE_LIMITED,
    /** A limit of the gateway's own was full (503): requests in flight, body bytes buffered, event clients. */
    AT_CAPACITY,
    /** A bug in the gateway: a handler threw (500). */
    INTERNAL
  }

  /**
   * Why the gateway closed a connection on its own. The request clocks ({@code BODY_*}, {@code REQUEST_DEADLINE}) end
   * only the request's stream on HTTP/2, and are counted here all the same.
   */
  public enum ConnectionClose {
    KEEP_ALIVE, HEADER_TIMEOUT, BODY_TIMEOUT, WRITE_TIMEOUT, REQUEST_DEADLINE,
    /** A body read whole arrived slower than {@code timeouts.bodyMinRate} on average (408). */
    BODY_TOO_SLOW,
    /** A body read whole was not complete within {@code timeouts.bodyTotal} (408). */
    BODY_DEADLINE
  }

  /** Why a request was turned away before reaching an application. */
  public enum Rejection {
    /** {@code limits.maxInFlight} requests were in progress (503). */
    IN_FLIGHT,
    /** {@code limits.maxInFlightPerAddress} requests were in progress for its application (503). */
    IN_FLIGHT_PER_ADDRESS,
    /** Over its client's rate limit (429). */
    RATE_LIMITED,
    /** A request line or headers over the size limits (414, 431) or otherwise unreadable (400). */
    INVALID_REQUEST,
    /** Its body would have taken the gateway's buffered request bodies past {@code limits.maxBufferedBodyBytes} (503). */
    BODY_BUDGET
  }

  private static final int STATUS_CLASSES = 5;

  private final MeterRegistry registry;
  /** Responses by route label (a bounded set: see {@code RouteLabels}) and status class, 1xx..5xx at index 0..4. */
  private final Map<String, Counter[]> responses = new ConcurrentHashMap<>();
  private final RequestTimer requestTimer;
  private final LimitedCount connections;
  private final Counter connectionsRefused;
  private final EnumCounters<ConnectionClose> connectionCloses;
  private final EnumCounters<Rejection> rejections;
  private final EnumCounters<Failure> failures;
  private final Counter headersDropped;
  private final LimitedCount eventClients;
  private final Counter eventsSent;
  private final Counter eventsDropped;
  private final AtomicInteger activeStreams = new AtomicInteger();
  private final AtomicLong streamPeakBufferedBytes = new AtomicLong();

  /** @param routes the route labels known at start, counted from zero: every response series is there to scrape */
  public GatewayMeters(MeterRegistry registry, Collection<String> routes) {
    this.registry = registry;
    routes.forEach(this::responsesOf);
    requestTimer = new RequestTimer(registry);
    failures = new EnumCounters<>(registry, "switchboard.gateway.failures", Tags.empty(), "kind", Failure.class);
    rejections = new EnumCounters<>(registry, "switchboard.gateway.rejections", Tags.empty(), "reason", Rejection.class);
    connectionCloses = new EnumCounters<>(registry, "switchboard.gateway.connections.closed", Tags.empty(), "reason",
        ConnectionClose.class);
    connections = new LimitedCount(registry, "switchboard.gateway.connections", Tags.empty());
    connectionsRefused = registry.counter("switchboard.gateway.connections.refused");
    headersDropped = registry.counter("switchboard.gateway.headers.dropped");
    eventClients = new LimitedCount(registry, "switchboard.gateway.event.clients", Tags.empty());
    eventsSent = registry.counter("switchboard.gateway.events.sent");
    eventsDropped = registry.counter("switchboard.gateway.events.dropped");
    Gauge.builder("switchboard.gateway.streams", activeStreams, AtomicInteger::get).register(registry);
    Gauge.builder("switchboard.gateway.stream.peak.buffered.bytes", streamPeakBufferedBytes, AtomicLong::get)
        .register(registry);
  }

  /** Admits a connection unless {@code max} are open; a refusal is counted. */
  public boolean tryOpenConnection(int max) {
    if (!connections.tryAdd(max)) {
      connectionsRefused.increment();
      return false;
    }
    return true;
  }

  public void onConnectionGone() {
    connections.remove();
  }

  public void onConnectionClosed(ConnectionClose why) {
    connectionCloses.increment(why);
  }

  public void onRejected(Rejection why) {
    rejections.increment(why);
  }

  /** @param route one of a bounded set of labels: never a raw path */
  public void onResponse(String route, int status) {
    int statusClass = Math.min(STATUS_CLASSES, status / 100);
    if (statusClass >= 1) {
      responsesOf(route)[statusClass - 1].increment();
    }
  }

  /** The duration of each request, by route label. */
  public RequestTimer requestTimer() {
    return requestTimer;
  }

  public void onFailure(Failure failure) {
    failures.increment(failure);
  }

  public void onHeaderDropped() {
    headersDropped.increment();
  }

  /** Admits an {@code /events} client unless {@code max} are connected. */
  public boolean tryAddEventClient(int max) {
    return eventClients.tryAdd(max);
  }

  public void onEventClientGone() {
    eventClients.remove();
  }

  public void onEventSent() {
    eventsSent.increment();
  }

  public void onEventDropped() {
    eventsDropped.increment();
  }

  public void onStreamStarted() {
    activeStreams.incrementAndGet();
  }

  /** A stream ended; {@code peakBufferedBytes} is the most it held at once between the application and the client. */
  public void onStreamEnded(long peakBufferedBytes) {
    activeStreams.decrementAndGet();
    streamPeakBufferedBytes.accumulateAndGet(peakBufferedBytes, Math::max);
  }

  public int connections() {
    return connections.get();
  }

  public long connectionsRefused() {
    return (long) connectionsRefused.count();
  }

  public long connectionsClosed(ConnectionClose why) {
    return connectionCloses.count(why);
  }

  public long rejected(Rejection why) {
    return rejections.count(why);
  }

  public long failures(Failure failure) {
    return failures.count(failure);
  }

  public long headersDropped() {
    return (long) headersDropped.count();
  }

  public int activeStreams() {
    return activeStreams.get();
  }

  public long streamPeakBufferedBytes() {
    return streamPeakBufferedBytes.get();
  }

  /** A route label's counters by status class, registered at its first use (a route a reload added). */
  private Counter[] responsesOf(String route) {
    return responses.computeIfAbsent(route, r -> {
      Counter[] byClass = new Counter[STATUS_CLASSES];
      for (int i = 0; i < byClass.length; i++) {
        byClass[i] = registry.counter("switchboard.gateway.responses", "route", r, "class", (i + 1) + "xx");
      }
      return byClass;
    });
  }
}
