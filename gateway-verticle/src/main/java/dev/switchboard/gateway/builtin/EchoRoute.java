package dev.switchboard.gateway.builtin;

import dev.switchboard.bus.EchoBus;
import dev.switchboard.bus.NodeId;
import dev.switchboard.bus.Requester;
import dev.switchboard.gateway.http.ErrorResponses;
import dev.switchboard.gateway.protect.RequestAdmission;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/** {@code POST /echo}: the body goes to {@code echo.request} and comes back as the response, with its content type. */
public final class EchoRoute implements Handler<RoutingContext> {

  private final ErrorResponses errors;
  private final RequestAdmission admission;
  private final int maxBodyBytes;
  private final Duration timeout;
  private final Requester requester;

  public EchoRoute(ErrorResponses errors, RequestAdmission admission, int maxBodyBytes, Duration timeout,
                   Requester requester) {
    this.requester = requester;
    this.errors = errors;
    this.admission = admission;
    this.maxBodyBytes = maxBodyBytes;
    this.timeout = timeout;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!admission.admitTo(ctx, EchoBus.REQUEST)) {
      return;
    }
    admission.bodies().read(ctx, maxBodyBytes, body -> BusRequests.answer(ctx, errors, EchoBus.REQUEST,
        // A POST: not sent again when lost with its node (docs/cluster.md).
        requester.request(EchoBus.REQUEST, body, new DeliveryOptions().setSendTimeout(timeout.toMillis()), false),
        answer -> {
          String node = answer.headers().get(NodeId.HEADER);
          if (node != null) {
            ctx.response().putHeader("X-Switchboard-Node", node);
          }
          String type = ctx.request().getHeader("Content-Type");
          ctx.response().putHeader("Content-Type", type == null ? "application/octet-stream" : type)
              .end((Buffer) answer.body());
        }));
  }
}
