package dev.switchboard.gateway.builtin;

import dev.switchboard.bus.Requester;
import dev.switchboard.bus.UdpBus;
import dev.switchboard.bus.UdpSendRequest;
import dev.switchboard.gateway.meters.GatewayMeters.Failure;
import dev.switchboard.gateway.http.ErrorResponses;
import dev.switchboard.gateway.protect.RequestAdmission;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * {@code POST /udp/send?host=&port=&await=&timeoutMs=}: the body is the datagram; {@code udp.send} does the sending
 * (and its allow-list decides where to), and its answer comes back as JSON. The service's own failure codes (400,
 * 403, 413, 429) are passed on as statuses.
 */
public final class UdpSendRoute implements Handler<RoutingContext> {

  /** The largest datagram: the UDP service refuses more anyway, this stops reading sooner. */
  private static final int MAX_BODY = 65535;
  /** Time for the UDP service itself on top of the reply wait the client asked for. */
  private static final long MARGIN_MS = 5000;

  private final ErrorResponses errors;
  private final RequestAdmission admission;
  private final Requester requester;

  public UdpSendRoute(ErrorResponses errors, RequestAdmission admission, Requester requester) {
    this.requester = requester;
    this.errors = errors;
    this.admission = admission;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String host = ctx.request().getParam("host");
    String port = ctx.request().getParam("port");
    String await = ctx.request().getParam("await", "false");
    String timeout = ctx.request().getParam("timeoutMs", String.valueOf(UdpSendRequest.DEFAULT_TIMEOUT.toMillis()));
    if (host == null || port == null || !port.matches("\\d{1,5}") || !await.matches("true|false|1|0")
        || !timeout.matches("\\d{1,9}")) {
      errors.send(ctx, 400, Failure.BAD_REQUEST,
          "expected ?host=ADDRESS&port=1-65535[&await=true|false][&timeoutMs=N]");
      return;
    }
    if (!admission.admitTo(ctx, UdpBus.SEND)) {
      return;
    }
    admission.bodies().read(ctx, MAX_BODY, body -> send(ctx, host, Integer.parseInt(port),
        await.equals("true") || await.equals("1"), Long.parseLong(timeout), body));
  }

  private void send(RoutingContext ctx, String host, int port, boolean await, long timeoutMs, Buffer data) {
    JsonObject request = new UdpSendRequest(host, port, data, await, Duration.ofMillis(Math.max(1, timeoutMs))).toJson();
    BusRequests.answer(ctx, errors, UdpBus.SEND,
        // Not sent again when lost with its node: the datagram may have gone out.
        requester.request(UdpBus.SEND, request, new DeliveryOptions().setSendTimeout(timeoutMs + MARGIN_MS), false),
        answer -> ctx.response().putHeader("Content-Type", "application/json").end(((JsonObject) answer.body()).toBuffer()));
  }
}
