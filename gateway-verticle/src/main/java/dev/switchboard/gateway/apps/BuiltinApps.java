package dev.switchboard.gateway.apps;

import dev.switchboard.wsgi.Base64Body;
import dev.switchboard.wsgi.WsgiApplications;
import dev.switchboard.wsgi.WsgiBus;
import dev.switchboard.wsgi.WsgiRequest;
import dev.switchboard.wsgi.WsgiResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * The two applications deployed with the gateway by default: {@code hello} ({@code /apps/hello/}) answers
 * {@code Hello, world!}; {@code echo} ({@code /apps/echo/...}) answers with the request it got, as JSON. Each gateway
 * node serves its own copies: a request to them never crosses the cluster.
 *
 * <p>Each gateway instance registers them twice: at their bus addresses ({@code wsgi.hello}), for any bus client, and
 * at addresses of its own, where its requests go ({@link #nearest}). The bus hands a message to the consumers of an
 * address in turn, so with one copy per instance half the requests would cross to another event loop and back; at
 * the instance's own address, a request is answered on the event loop that took it.
 */
public final class BuiltinApps {

  /** One answer for every hello: its body is only ever read (Vert.x writes a slice of it). */
  private static final WsgiResponse HELLO = WsgiResponse.text("Hello, world!");

  private final Map<String, String> own = new LinkedHashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  private BuiltinApps() {
  }

  public static BuiltinApps register(Vertx vertx) {
    BuiltinApps apps = new BuiltinApps();
    String ownPrefix = "gateway.local." + UUID.randomUUID() + ".";
    apps.serve(vertx, "hello", ownPrefix, request -> Future.succeededFuture(HELLO));
    apps.serve(vertx, "echo", ownPrefix, request -> Future.succeededFuture(echo(request)));
    return apps;
  }

  private void serve(Vertx vertx, String name, String ownPrefix, Function<WsgiRequest, Future<WsgiResponse>> app) {
    String address = WsgiBus.appAddress(name);
    own.put(address, ownPrefix + address);
    consumers.add(WsgiApplications.serveOnThisNode(vertx, name, app));
    consumers.add(WsgiApplications.serveOnThisNodeAt(vertx, ownPrefix + address, app));
  }

  public List<MessageConsumer<?>> consumers() {
    return consumers;
  }

  /** Where this instance sends a request for {@code address}: its own copy of a built-in app, else the address. */
  public String nearest(String address) {
    return own.getOrDefault(address, address);
  }

  private static WsgiResponse echo(WsgiRequest request) {
    Map<String, String> headers = new TreeMap<>();
    request.environ().forEach((key, value) -> {
      if (key.startsWith("HTTP_")) {
        headers.put(key.substring(5), value);
      }
    });
    return WsgiResponse.json(new JsonObject()
        .put("method", request.method())
        .put("path", request.path())
        .put("query", request.queryString())
        .put("headers", new JsonObject(new LinkedHashMap<>(headers)))
        .put("contentType", request.environ().get("CONTENT_TYPE"))
        .put("body", Base64Body.encode(request.body()))
        .put("environ", new JsonObject(new LinkedHashMap<>(request.environ()))));
  }
}
