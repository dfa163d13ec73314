package dev.switchboard.gateway;

import dev.switchboard.bus.Requester;
import dev.switchboard.config.BuiltinRoutes;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.gateway.meters.GatewayMeters;
import dev.switchboard.gateway.meters.GatewayMeters.Failure;
import dev.switchboard.gateway.meters.GatewayMeters.Rejection;
import dev.switchboard.gateway.apps.BuiltinApps;
import dev.switchboard.gateway.builtin.EchoRoute;
import dev.switchboard.gateway.builtin.EventsRoute;
import dev.switchboard.gateway.builtin.UdpSendRoute;
import dev.switchboard.gateway.http.AccessLog;
import dev.switchboard.gateway.http.BodyReader;
import dev.switchboard.gateway.http.ClientAddress;
import dev.switchboard.gateway.http.ErrorResponses;
import dev.switchboard.gateway.http.RequestIds;
import dev.switchboard.gateway.http.RouteLabels;
import dev.switchboard.gateway.protect.ConnectionGuards;
import dev.switchboard.gateway.protect.InFlightLimits;
import dev.switchboard.gateway.protect.RequestAdmission;
import dev.switchboard.gateway.screen.RejectedRequest;
import dev.switchboard.gateway.screen.RequestTarget;
import dev.switchboard.gateway.wsgi.WsgiForwarder;
import dev.switchboard.listen.Addresses;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.listen.ListenFailure;
import dev.switchboard.listen.ListeningVerticle;
import dev.switchboard.net.MemoryBudget;
import dev.switchboard.net.SourceRateLimiter;
import dev.switchboard.wsgi.WsgiCodecs;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The HTTP gateway: built-in routes ({@code POST /echo}, {@code POST /udp/send}, {@code GET /events}), then WSGI
 * applications on the bus by route. Started means listening, with the built-in applications registered.
 */
public final class GatewayVerticle extends VerticleBase implements ListeningVerticle {

  // The page and its scripts and styles (dashboard.js, dashboard-charts.js, ...), nothing else from the jar.
  /** The files in {@code webroot}: a set lookup, as every GET passes the dashboard's route. */
  private static final List<String> DASHBOARD_FILES = List.of("index.html", "dashboard.js", "dashboard.css",
      "dashboard-metrics.js", "dashboard-charts.js");

  private final GatewayConfig config;
  private final GatewayMeters meters;
  private final InFlightLimits inFlight;
  private final MemoryBudget bodyBudget;
  private final SourceRateLimiter rateLimiter;
  private final AtomicBoolean draining;
  private final HealthChecks readiness;
  private final Requester requester;
  private final ClientAddress.Resolver clients;
  private final GatewaySettings settings;
  private volatile List<BoundListener> bound = List.of();
  private HttpServer server;

  GatewayVerticle(GatewayConfig config, GatewayMeters meters, InFlightLimits inFlight, MemoryBudget bodyBudget,
                  SourceRateLimiter rateLimiter, AtomicBoolean draining, HealthChecks readiness, Requester requester,
                  GatewaySettings settings) {
    this.requester = requester;
    this.settings = settings;
    this.config = config;
    this.meters = meters;
    this.inFlight = inFlight;
    this.bodyBudget = bodyBudget;
    this.rateLimiter = rateLimiter;
    this.draining = draining;
    this.readiness = readiness;
    this.clients = new ClientAddress.Resolver(config.trustedProxies());
  }

  @Override
  public Future<?> start() {
    // Requests go to applications in this JVM as objects, to other nodes as JSON.
    WsgiCodecs.registerOn(vertx.eventBus());
    ErrorResponses errors = new ErrorResponses(meters);
    HttpServerOptions options = serverOptions();
    ConnectionGuards guards = new ConnectionGuards(vertx, settings::config, meters, options);
    BodyReader bodies = new BodyReader(vertx, config.timeouts(), meters, errors, bodyBudget);
    RequestAdmission admission = new RequestAdmission(vertx, config, meters, errors, inFlight, rateLimiter, draining::get,
        bodies);
    Router router = Router.router(vertx);
    router.route().handler(ctx -> screenHttp2Target(ctx, errors))
        .handler(this::countResponse).handler(RequestIds::assign).handler(clients::assign).handler(guards::onRequest);
    BuiltinRoutes paths = config.builtinRoutes();
    // Probes and scrapes come before admission: a saturated or rate-limited gateway is alive, and says so.
    if (paths.health() != null) {
      builtIn(router, errors, paths.healthPath("live"), RouteLabels.HEALTH, HttpMethod.GET, HealthCheckHandler.create(vertx));
      builtIn(router, errors, paths.healthPath("ready"), RouteLabels.HEALTH, HttpMethod.GET,
          HealthCheckHandler.createWithHealthChecks(readiness));
    }
    builtIn(router, errors, paths.metrics(), RouteLabels.METRICS, HttpMethod.GET, BackendRegistries.getDefaultNow() != null
        ? PrometheusScrapingHandler.create()
        : ctx -> errors.send(ctx, 404, Failure.NOT_FOUND, "metrics are not enabled in this process"));
    router.route().handler(admission::handle);
    builtIn(router, errors, paths.echo(), RouteLabels.ECHO, HttpMethod.POST,
        new EchoRoute(errors, admission, config.maxBodyBytes(), config.upstreamTimeout(), requester));
    builtIn(router, errors, paths.udpSend(), RouteLabels.UDP_SEND, HttpMethod.POST, new UdpSendRoute(errors, admission, requester));
    builtIn(router, errors, paths.events(), RouteLabels.EVENTS, HttpMethod.GET, new EventsRoute(vertx, config, meters, errors));
    if (paths.dashboard() != null) {
      dashboard(router, paths.dashboard());
    }
    BuiltinApps apps = config.builtinApps() ? BuiltinApps.register(vertx) : null;
    router.route().handler(new WsgiForwarder(vertx, config, meters, errors, admission, requester, settings::routes,
        apps != null ? apps::nearest : UnaryOperator.identity()));
    router.route().handler(ctx -> errors.send(ctx, 404, Failure.NOT_FOUND, "no route for " + ctx.request().path()));
    // Vert.x Web refuses a path it cannot decode before any route runs.
    router.errorHandler(400, ctx -> errors.send(ctx, 400, Failure.BAD_REQUEST, "malformed request path"));
    router.errorHandler(500, errors::internalError);

    List<Future<?>> ready = new ArrayList<>();
    if (apps != null) {
      apps.consumers().stream().map(MessageConsumer::completion).forEach(ready::add);
    }
    String configured = Addresses.hostPort(config.host(), config.port());
    server = vertx.createHttpServer(options)
        .connectionHandler(guards::onConnection)
        .invalidRequestHandler(request -> refuseInvalid(request, errors))
        .requestHandler(request -> {
          // The screen lets "*" through only for OPTIONS: a question about the server, which no route can answer.
          if ("*".equals(request.uri())) {
            request.response().putHeader("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS").setStatusCode(204).end();
            return;
          }
          router.handle(request);
        });
    ready.add(server.listen(config.port(), config.host())
        .onSuccess(server -> bound = List.of(new BoundListener("gateway", "http", "http",
            Addresses.hostPort(config.host(), server.actualPort()), server.actualPort())))
        .recover(err -> Future.failedFuture(new ListenFailure("gateway", "http", configured, err))));
    return Future.all(ready);
  }

  /** Size limits, HTTP/2 and TLS as configured; the clocks are the connection guards', not Vert.x's idle timeout. */
  private HttpServerOptions serverOptions() {
    HttpServerOptions options = new HttpServerOptions()
        .setMaxInitialLineLength(config.limits().maxInitialLineBytes())
        .setMaxHeaderSize(config.limits().maxHeaderBytes())
        .setHttp2ClearTextEnabled(config.limits().h2c())
        .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(config.limits().maxConcurrentStreams()));
    if (config.tls() != null) {
      options.setSsl(true)
          .setUseAlpn(true)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.tls().certPath()).setKeyPath(config.tls().keyPath()));
    }
    return options;
  }

  /**
   * Drains: new connections are refused, idle ones closed, responses in progress finish (with
   * {@code Connection: close}) for up to {@code timeouts.drain}, then the rest are closed.
   */
  @Override
  public Future<?> stop() {
    draining.set(true);
    return server == null ? Future.succeededFuture()
        : server.shutdown(config.timeouts().drain().toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * A built-in route on one path and method, unless switched off (null path); another method there is 405 with
   * Allow, not a fall-through to 404.
   */
  private static void builtIn(Router router, ErrorResponses errors, String path, String label, HttpMethod method,
                              Handler<RoutingContext> handler) {
    if (path == null) {
      return;
    }
    router.route(path).handler(ctx -> {
      RouteLabels.set(ctx, label);
      if (ctx.request().method() == method) {
        handler.handle(ctx);
      } else {
        ctx.response().putHeader("Allow", method.name());
        errors.send(ctx, 405, Failure.METHOD_NOT_ALLOWED, "method " + ctx.request().method() + " not allowed here");
      }
    });
  }

  /**
   * The dashboard: static files from the jar, no build step, at {@code base} ({@code /} by default) and its files
   * beside it; the page refers to them relatively, so it works at any base.
   */
  private static void dashboard(Router router, String base) {
    String dir = base.equals("/") ? "" : base;
    // Vert.x Web matches a path with or without its trailing slash: the page is at the slash, so that its relative
    // links resolve below the base.
    router.get(dir.isEmpty() ? "/" : dir).handler(ctx -> {
      if (ctx.normalizedPath().endsWith("/")) {
        ctx.reroute(dir + "/index.html");
      } else {
        ctx.redirect(dir + "/");
      }
    });
    StaticHandler files = StaticHandler.create("webroot").setCachingEnabled(false);
    Set<String> paths = DASHBOARD_FILES.stream().map(file -> dir + "/" + file).collect(Collectors.toUnmodifiableSet());
    // One wildcard route, so that the static handler serves the path below the base; other paths fall through.
    router.get(dir + "/*").handler(ctx -> {
      if (paths.contains(ctx.normalizedPath())) {
        RouteLabels.set(ctx, RouteLabels.DASHBOARD);
        files.handle(ctx);
      } else {
        ctx.next();
      }
    });
  }

  private void countResponse(RoutingContext ctx) {
    long startedAt = System.nanoTime();
    ctx.addEndHandler(done -> finished(ctx.request(), ClientAddress.of(ctx), RouteLabels.of(ctx), RequestIds.of(ctx),
        startedAt));
    ctx.next();
  }

  /** A request whose decoding failed: refused by the screen, or by Netty's own checks. */
  private void refuseInvalid(HttpServerRequest request, ErrorResponses errors) {
    refuse(request, RejectedRequest.of(request.decoderResult().cause(), config.limits()), errors);
  }

  /**
   * HTTP/2 requests do not pass the HTTP/1 screen (Netty's HTTP/2 codec checks their framing and pseudo-headers), so
   * their paths are normalised here, first of all handlers: a changed path is routed anew.
   */
  private void screenHttp2Target(RoutingContext ctx, ErrorResponses errors) {
    HttpServerRequest request = ctx.request();
    if (request.version() != HttpVersion.HTTP_2) {
      ctx.next();
      return;
    }
    try {
      String normal = RequestTarget.normalise(request.method().name(), request.uri());
      if (normal.equals(request.uri())) {
        ctx.next();
      } else {
        ctx.reroute(request.method(), normal);
      }
    } catch (RequestTarget.Invalid invalid) {
      refuse(request, new RejectedRequest(400, invalid.getMessage()), errors);
    }
  }

  /** Counted, timed and logged like every other request: one refused before any route. */
  private void refuse(HttpServerRequest request, RejectedRequest refusal, ErrorResponses errors) {
    long startedAt = System.nanoTime();
    meters.onRejected(Rejection.INVALID_REQUEST);
    String requestId = RequestIds.choose(request);
    ClientAddress client = clients.resolve(request, requestId);
    request.response().endHandler(v -> {
      finished(request, client, RouteLabels.UNMATCHED, requestId, startedAt);
      if (request.version() != HttpVersion.HTTP_2) {
        request.connection().close();
      }
    });
    errors.refuse(request, requestId, client, refusal.status(), Failure.BAD_REQUEST, refusal.getMessage());
  }

  private void finished(HttpServerRequest request, ClientAddress client, String route, String requestId,
                        long startedAt) {
    meters.onResponse(route, request.response().getStatusCode());
    meters.requestTimer().record(route, System.nanoTime() - startedAt);
    if (config.accessLog() != GatewayConfig.AccessLogFormat.OFF) {
      AccessLog.log(config.accessLog(), request, client, route, requestId, startedAt);
    }
  }

  @Override
  public List<BoundListener> boundListeners() {
    return bound;
  }
}
