package dev.switchboard.gateway.wsgi;

import dev.switchboard.bus.JsonView;
import dev.switchboard.bus.Requester;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.GatewayRoute;
import dev.switchboard.gateway.meters.GatewayMeters;
import dev.switchboard.gateway.meters.GatewayMeters.Failure;
import dev.switchboard.gateway.http.BodyReader;
import dev.switchboard.gateway.http.ConnectionEnd;
import dev.switchboard.gateway.http.ErrorResponses;
import dev.switchboard.gateway.http.FailureStatus;
import dev.switchboard.gateway.http.RequestIds;
import dev.switchboard.gateway.http.ClientAddress;
import dev.switchboard.gateway.http.RouteLabels;
import dev.switchboard.gateway.protect.RequestAdmission;
import dev.switchboard.wsgi.StreamMessage;
import dev.switchboard.wsgi.WsgiRequest;
import dev.switchboard.wsgi.WsgiResponse;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a request through a WSGI application on the bus: finds its route, reads the body within the route's limit,
 * sends the environ and body as one request message, and turns the answer (or its absence) into the HTTP response.
 */
public final class WsgiForwarder implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(WsgiForwarder.class);

  private final Vertx vertx;
  private final GatewayConfig config;
  private final GatewayMeters meters;
  private final ErrorResponses errors;
  private final RequestAdmission admission;
  private final Supplier<RouteTable> routes;
  private final Requester requester;
  private final UnaryOperator<String> nearest;

  /** @param nearest where to send a request for an address: this instance's own copy of a built-in app, if it has one */
  public WsgiForwarder(Vertx vertx, GatewayConfig config, GatewayMeters meters, ErrorResponses errors,
                       RequestAdmission admission, Requester requester, Supplier<RouteTable> routes,
                       UnaryOperator<String> nearest) {
    this.vertx = vertx;
    this.nearest = nearest;
    this.requester = requester;
    this.config = config;
    this.meters = meters;
    this.errors = errors;
    this.admission = admission;
    this.routes = routes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    RouteTable.Match match = routes.get().find(ctx.request().path());
    if (match == null) {
      ctx.next();
      return;
    }
    GatewayRoute route = match.route();
    RouteLabels.set(ctx, route.prefix().startsWith(RouteTable.APPS) ? RouteLabels.APPS : route.prefix());
    String method = ctx.request().method().name();
    if (!route.allows(method)) {
      ctx.response().putHeader("Allow", String.join(", ", route.methods()));
      errors.send(ctx, 405, Failure.METHOD_NOT_ALLOWED, "method " + method + " not allowed here");
      return;
    }
    if (!admission.admitTo(ctx, route.address())) {
      return;
    }
    if (route.streamBody()) {
      forwardStreaming(ctx, match);
      return;
    }
    admission.bodies().read(ctx, route.maxBodyBytes(), body -> forward(ctx, match, body, null));
  }

  /** The body follows the request message through a {@link RequestBodyRelay}, as the application asks for it. */
  private void forwardStreaming(RoutingContext ctx, RouteTable.Match match) {
    int limit = match.route().maxBodyBytes();
    BodyReader bodies = admission.bodies();
    if (BodyReader.declaredOver(ctx.request(), limit)) {
      bodies.tooLarge(ctx, limit);
      return;
    }
    RequestBodyRelay relay = new RequestBodyRelay(vertx, ctx.request(), limit, () -> bodies.tooLarge(ctx, limit));
    relay.watch(bodies.watchStreamed(ctx, relay::clientTooSlow));
    ctx.addEndHandler(done -> {
      relay.clientGone();
      if (!ctx.request().isEnded()) {
        // Answered before the body was read to its end: the rest cannot be skipped on an HTTP/1.x connection.
        ConnectionEnd.closeHttp1(ctx);
      }
    });
    relay.open().onComplete(opened -> {
      if (opened.succeeded()) {
        forward(ctx, match, null, opened.result());
      } else {
        errors.send(ctx, 502, Failure.APPLICATION_FAILED, "request body stream could not open");
      }
    });
  }

  /** @param body the whole body, or null when it streams from {@code bodyStream} */
  private void forward(RoutingContext ctx, RouteTable.Match match, Buffer body, String bodyStream) {
    LinkedHashMap<String, String> environ;
    try {
      environ = EnvironBuilder.build(ctx.request(), ClientAddress.of(ctx), match, body == null ? -1 : body.length(),
          RequestIds.of(ctx), name -> {
        meters.onHeaderDropped();
        LOG.debug("request {}: header {} dropped (underscore in its name)", RequestIds.of(ctx), name);
      });
    } catch (PercentDecoding.Malformed e) {
      errors.send(ctx, 400, Failure.BAD_REQUEST, e.getMessage());
      return;
    }
    String address = match.route().address();
    // A streamed body is read once: its request cannot be sent again.
    boolean retrySafe = bodyStream == null && match.route().retrySafe(ctx.request().method().name());
    String target = nearest.apply(address);
    // This instance's own copy of an application is in this JVM: no need to ask the cluster where it is.
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(match.route().timeout().toMillis())
        .setLocalOnly(!target.equals(address));
    requester.request(target, WsgiRequest.taking(environ, body == null ? Buffer.buffer() : body, bodyStream), options,
            retrySafe)
        .onComplete(reply -> {
          if (ctx.response().closed()) {
            cancelUnwantedStream(reply.succeeded() ? reply.result().body() : null, "client-gone");
            return;
          }
          if (reply.failed()) {
            FailureStatus.of(reply.cause(), address, false).send(ctx, errors);
          } else {
            respond(ctx, address, reply.result());
          }
        });
  }

  /** A streamed answer nobody will read still holds the application's stream open: tell it. */
  private void cancelUnwantedStream(Object reply, String reason) {
    WsgiResponse local = JsonView.unwrap(reply, WsgiResponse.class);
    Object stream = local != null ? local.stream() : reply instanceof JsonObject json ? json.getValue("stream") : null;
    if (stream instanceof String address) {
      vertx.eventBus().send(address, StreamMessage.cancel(reason));
    }
  }

  private void respond(RoutingContext ctx, String address, Message<Object> reply) {
    boolean head = ctx.request().method() == HttpMethod.HEAD;
    WsgiResponse answer;
    try {
      answer = ReplyParser.parse(reply.body(), head);
    } catch (InvalidReply e) {
      errors.send(ctx, 502, Failure.INVALID_REPLY, "invalid answer from application at " + address);
      LOG.warn("request {}: application at {} answered invalidly: {}", RequestIds.of(ctx), address, e.getMessage());
      return;
    }
    HttpServerResponse response = ctx.response();
    if (response.closed()) {
      // The client went away while the application worked (a reset stream, a connection that failed): writing now
      // would fail inside Vert.x's HTTP/2 code. A streaming application is told to stop.
      if (answer.streamed()) {
        vertx.eventBus().send(answer.stream(), StreamMessage.cancel("client-gone"));
      }
      return;
    }
    if (answer.streamed() && !head) {
      new StreamRelay(vertx, ctx, answer, config, meters, reply, requester).start();
      return;
    }
    try {
      write(answer, response, head);
    } catch (NullPointerException connectionFailed) {
      // Vert.x 5.0.7 throws this from its HTTP/2 error handling when the answer is written on a connection that a
      // client's malformed frames have just failed, before the stream knows it is closed: the client is gone.
      LOG.debug("request {}: answer not delivered, the HTTP/2 connection failed: {}", RequestIds.of(ctx),
          connectionFailed.getMessage());
    }
  }

  private void write(WsgiResponse answer, HttpServerResponse response, boolean head) {
    ResponseHead.apply(answer, response);
    if (answer.streamed()) {
      // HEAD: the head is the whole answer; the application need not produce the body.
      vertx.eventBus().send(answer.stream(), StreamMessage.cancel("head"));
      response.end();
    } else if (head) {
      if (ResponseHead.declaredLength(answer) < 0) {
        response.putHeader("Content-Length", String.valueOf(answer.body().length()));
      }
      response.end();
    } else {
      response.end(answer.body());
    }
  }
}
