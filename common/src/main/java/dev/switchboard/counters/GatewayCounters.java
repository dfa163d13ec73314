package dev.switchboard.counters;

import dev.switchboard.bus.WireName;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The HTTP gateway's counters, shared by its instances. Thread-safe. */
public final class GatewayCounters {

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

  /** Responses by route label (a bounded set: see {@code RouteLabels}) and status class, 1xx..5xx at index 1..5. */
  private final Map<String, LongAdder[]> responsesByRoute = new java.util.concurrent.ConcurrentHashMap<>();
  private final LongAdder[] responsesByClass = new LongAdder[6];
  private final AtomicInteger connections = new AtomicInteger();
  private final LongAdder connectionsRefused = new LongAdder();
  private final Map<ConnectionClose, LongAdder> connectionCloses = new EnumMap<>(ConnectionClose.class);
  private final Map<Rejection, LongAdder> rejections = new EnumMap<>(Rejection.class);
  private final Map<Failure, LongAdder> failures = new EnumMap<>(Failure.class);
  private final LongAdder headersDropped = new LongAdder();
  private final AtomicInteger eventClients = new AtomicInteger();
  private final LongAdder eventsSent = new LongAdder();
  private final LongAdder eventsDropped = new LongAdder();
  private final AtomicInteger activeStreams = new AtomicInteger();
  private final AtomicLong streamPeakBufferedBytes = new AtomicLong();

  public GatewayCounters() {
    for (int i = 0; i < responsesByClass.length; i++) {
      responsesByClass[i] = new LongAdder();
    }
    for (Failure failure : Failure.values()) {
      failures.put(failure, new LongAdder());
    }
    for (ConnectionClose close : ConnectionClose.values()) {
      connectionCloses.put(close, new LongAdder());
    }
    for (Rejection rejection : Rejection.values()) {
      rejections.put(rejection, new LongAdder());
    }
  }

  /** Admits a connection unless {@code max} are open; a refusal is counted. */
  public boolean tryOpenConnection(int max) {
    if (connections.incrementAndGet() > max) {
      connections.decrementAndGet();
      connectionsRefused.increment();
      return false;
    }
    return true;
  }

  public void onConnectionGone() {
    connections.decrementAndGet();
  }

  public void onConnectionClosed(ConnectionClose why) {
    connectionCloses.get(why).increment();
  }

  public void onRejected(Rejection why) {
    rejections.get(why).increment();
  }

  public int connections() {
    return connections.get();
  }

  public long connectionsRefused() {
    return connectionsRefused.sum();
  }

  public long connectionsClosed(ConnectionClose why) {
    return connectionCloses.get(why).sum();
  }

  public long rejected(Rejection why) {
    return rejections.get(why).sum();
  }

  /** @param route one of a bounded set of labels: never a raw path */
  public void onResponse(String route, int status) {
    int statusClass = Math.min(5, Math.max(0, status / 100));
    responsesByClass[statusClass].increment();
    responsesOf(route)[statusClass].increment();
  }

  /** The counts of one route label, by status class; created at first use, so meters can be bound up front. */
  public LongAdder[] responsesOf(String route) {
    return responsesByRoute.computeIfAbsent(route, r -> {
      LongAdder[] byClass = new LongAdder[6];
      for (int i = 0; i < byClass.length; i++) {
        byClass[i] = new LongAdder();
      }
      return byClass;
    });
  }

  public void onFailure(Failure failure) {
    failures.get(failure).increment();
  }

  public void onHeaderDropped() {
    headersDropped.increment();
  }

  /** Admits an {@code /events} client unless {@code max} are connected. */
  public boolean tryAddEventClient(int max) {
    if (eventClients.incrementAndGet() > max) {
      eventClients.decrementAndGet();
      return false;
    }
    return true;
  }

  public void onEventClientGone() {
    eventClients.decrementAndGet();
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

  public long failures(Failure failure) {
    return failures.get(failure).sum();
  }

  public long responses(int statusClass) {
    return responsesByClass[statusClass].sum();
  }

  public long headersDropped() {
    return headersDropped.sum();
  }

  public int eventClients() {
    return eventClients.get();
  }

  public long eventsDropped() {
    return eventsDropped.sum();
  }

  public long eventsSent() {
    return eventsSent.sum();
  }

  public int activeStreams() {
    return activeStreams.get();
  }

  public long streamPeakBufferedBytes() {
    return streamPeakBufferedBytes.get();
  }

  public JsonObject toJson() {
    JsonObject byClass = new JsonObject();
    for (int i = 1; i < responsesByClass.length; i++) {
      byClass.put(i + "xx", responsesByClass[i].sum());
    }
    JsonObject byFailure = new JsonObject();
    failures.forEach((failure, count) -> byFailure.put(WireName.of(failure), count.sum()));
    JsonObject closes = new JsonObject();
    connectionCloses.forEach((why, count) -> closes.put(WireName.of(why), count.sum()));
    JsonObject rejected = new JsonObject();
    rejections.forEach((why, count) -> rejected.put(WireName.of(why), count.sum()));
    return new JsonObject()
        .put("connections", connections.get())
        .put("connectionsRefused", connectionsRefused.sum())
        .put("connectionsClosed", closes)
        .put("rejected", rejected)
        .put("responses", byClass)
        .put("failures", byFailure)
        .put("headersDropped", headersDropped.sum())
        .put("eventClients", eventClients.get())
        .put("eventsSent", eventsSent.sum())
        .put("eventsDropped", eventsDropped.sum())
        .put("activeStreams", activeStreams.get())
        .put("streamPeakBufferedBytes", streamPeakBufferedBytes.get());
  }
}
