package dev.switchboard.gateway;

import dev.switchboard.config.GatewayConfig;
import dev.switchboard.listen.Addresses;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.listen.ListenFailure;
import dev.switchboard.listen.ListeningVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The HTTP gateway. Until applications can be routed, every path answers 404 with a JSON error. */
public final class GatewayVerticle extends VerticleBase implements ListeningVerticle {

  private final GatewayConfig config;
  private volatile BoundListener bound;

  public GatewayVerticle(GatewayConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions())
        .requestHandler(this::notFound)
        .listen(config.port(), config.host())
        .onSuccess(server -> bound = new BoundListener("gateway", "http", "http",
            Addresses.hostPort(config.host(), server.actualPort()), server.actualPort()))
        .recover(err -> Future.failedFuture(
            new ListenFailure("gateway", "http", Addresses.hostPort(config.host(), config.port()), err)));
  }

  private void notFound(HttpServerRequest request) {
    request.response()
        .setStatusCode(404)
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", "no route for " + request.path()).encode());
  }

  @Override
  public List<BoundListener> boundListeners() {
    return bound == null ? List.of() : List.of(bound);
  }
}
