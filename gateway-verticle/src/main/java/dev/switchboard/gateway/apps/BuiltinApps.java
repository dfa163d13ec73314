package dev.switchboard.gateway.apps;

import dev.switchboard.wsgi.Base64Body;
import dev.switchboard.wsgi.WsgiApplications;
import dev.switchboard.wsgi.WsgiResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The two applications deployed with the gateway by default: {@code hello} ({@code /apps/hello/}) answers
 * {@code Hello, world!}; {@code echo} ({@code /apps/echo/...}) answers with the request it got, as JSON. Each gateway
 * node serves its own copies: a request to them never crosses the cluster.
 */
public final class BuiltinApps {

  private BuiltinApps() {
  }

  public static List<MessageConsumer<?>> register(Vertx vertx) {
    return List.of(
        WsgiApplications.serveOnThisNode(vertx, "hello", request -> Future.succeededFuture(WsgiResponse.text("Hello, world!"))),
        WsgiApplications.serveOnThisNode(vertx, "echo", request -> {
          Map<String, String> headers = new TreeMap<>();
          request.environ().forEach((key, value) -> {
            if (key.startsWith("HTTP_")) {
              headers.put(key.substring(5), value);
            }
          });
          return Future.succeededFuture(WsgiResponse.json(new JsonObject()
              .put("method", request.method())
              .put("path", request.path())
              .put("query", request.queryString())
              .put("headers", new JsonObject(new java.util.LinkedHashMap<>(headers)))
              .put("contentType", request.environ().get("CONTENT_TYPE"))
              .put("body", Base64Body.encode(request.body()))
              .put("environ", new JsonObject(new java.util.LinkedHashMap<>(request.environ())))));
        }));
  }
}
