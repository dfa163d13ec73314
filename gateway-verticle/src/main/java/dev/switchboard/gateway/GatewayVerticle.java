package dev.switchboard.gateway;

import dev.switchboard.config.GatewayConfig;
import dev.switchboard.counters.GatewayCounters;
import dev.switchboard.counters.GatewayCounters.Failure;
import dev.switchboard.gateway.apps.BuiltinApps;
import dev.switchboard.gateway.builtin.EchoRoute;
import dev.switchboard.gateway.builtin.EventsRoute;
import dev.switchboard.gateway.builtin.UdpSendRoute;
import dev.switchboard.gateway.http.ErrorResponses;
import dev.switchboard.gateway.http.RequestIds;
import dev.switchboard.gateway.wsgi.WsgiForwarder;
import dev.switchboard.listen.Addresses;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.listen.ListenFailure;
import dev.switchboard.listen.ListeningVerticle;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP gateway: built-in routes ({@code POST /echo}, {@code POST /udp/send}, {@code GET /events}), then WSGI
 * applications on the bus by route. Started means listening, with the built-in applications registered.
 */
public final class GatewayVerticle extends VerticleBase implements ListeningVerticle {

  private final GatewayConfig config;
  private final GatewayCounters counters;
  private volatile List<BoundListener> bound = List.of();

  public GatewayVerticle(GatewayConfig config, GatewayCounters counters) {
    this.config = config;
    this.counters = counters;
  }

  @Override
  public Future<?> start() {
    ErrorResponses errors = new ErrorResponses(counters);
    Router router = Router.router(vertx);
    router.route().handler(this::countResponse).handler(RequestIds::assign);
    builtIn(router, errors, "/echo", HttpMethod.POST, new EchoRoute(vertx, errors, config.maxBodyBytes(), config.upstreamTimeout()));
    builtIn(router, errors, "/udp/send", HttpMethod.POST, new UdpSendRoute(vertx, errors));
    builtIn(router, errors, "/events", HttpMethod.GET, new EventsRoute(vertx, config, counters, errors));
    router.route().handler(new WsgiForwarder(vertx, config, counters, errors));
    router.route().handler(ctx -> errors.send(ctx, 404, Failure.NOT_FOUND, "no route for " + ctx.request().path()));
    // Vert.x Web refuses a path it cannot decode before any route runs.
    router.errorHandler(400, ctx -> errors.send(ctx, 400, Failure.BAD_REQUEST, "malformed request path"));
    router.errorHandler(500, ctx -> errors.send(ctx, 500, Failure.APPLICATION_FAILED, "internal error"));

    List<Future<?>> ready = new ArrayList<>();
    if (config.builtinApps()) {
      BuiltinApps.register(vertx).stream().map(MessageConsumer::completion).forEach(ready::add);
    }
    String configured = Addresses.hostPort(config.host(), config.port());
    ready.add(vertx.createHttpServer(new HttpServerOptions())
        .requestHandler(router)
        .listen(config.port(), config.host())
        .onSuccess(server -> bound = List.of(new BoundListener("gateway", "http", "http",
            Addresses.hostPort(config.host(), server.actualPort()), server.actualPort())))
        .recover(err -> Future.failedFuture(new ListenFailure("gateway", "http", configured, err))));
    return Future.all(ready);
  }

  /** A built-in route on one path and method; another method there is 405 with Allow, not a fall-through to 404. */
  private static void builtIn(Router router, ErrorResponses errors, String path, HttpMethod method,
                              Handler<RoutingContext> handler) {
    router.route(path).handler(ctx -> {
      if (ctx.request().method() == method) {
        handler.handle(ctx);
      } else {
        ctx.response().putHeader("Allow", method.name());
        errors.send(ctx, 405, Failure.METHOD_NOT_ALLOWED, "method " + ctx.request().method() + " not allowed here");
      }
    });
  }

  private void countResponse(RoutingContext ctx) {
    ctx.response().endHandler(v -> counters.onResponse(ctx.response().getStatusCode()));
    ctx.next();
  }

  @Override
  public List<BoundListener> boundListeners() {
    return bound;
  }
}
