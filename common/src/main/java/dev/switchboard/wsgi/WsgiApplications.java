package dev.switchboard.wsgi;

import dev.switchboard.bus.FailureCodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Java applications behind the gateway in a few lines:
 *
 * <pre>{@code
 * WsgiApplications.serve(vertx, "hello", request -> Future.succeededFuture(WsgiResponse.text("Hello, world!")));
 * }</pre>
 *
 * registers the consumer at {@code wsgi.hello}, which the gateway reaches at {@code /apps/hello/}. An application that
 * throws or fails its future answers with a failure (the gateway's 502); a message that is not a request is refused.
 */
public final class WsgiApplications {

  private WsgiApplications() {
  }

  /** Serves a request-to-response function at {@code wsgi.<name>}. */
  public static MessageConsumer<JsonObject> serve(Vertx vertx, String name,
                                                  Function<WsgiRequest, Future<WsgiResponse>> application) {
    return consume(vertx, vertx.eventBus().consumer(WsgiBus.appAddress(name)), respond(application));
  }

  /**
   * Serves it to this node only: in a cluster, a gateway on this node reaches it without crossing the network, and
   * other nodes never choose it (each gateway node has its own, as the built-in applications do).
   */
  public static MessageConsumer<JsonObject> serveOnThisNode(Vertx vertx, String name,
                                                            Function<WsgiRequest, Future<WsgiResponse>> application) {
    return serveOnThisNodeAt(vertx, WsgiBus.appAddress(name), application);
  }

  /** Serves it to this node only, at any address (a gateway's own copy of an application, for example). */
  public static MessageConsumer<JsonObject> serveOnThisNodeAt(Vertx vertx, String address,
                                                              Function<WsgiRequest, Future<WsgiResponse>> application) {
    return consume(vertx, vertx.eventBus().localConsumer(address), respond(application));
  }

  private static RequestHandler respond(Function<WsgiRequest, Future<WsgiResponse>> application) {
    return (message, request) -> {
      Future<WsgiResponse> response;
      try {
        response = application.apply(request);
      } catch (RuntimeException e) {
        response = Future.failedFuture(e);
      }
      response.onComplete(done -> {
        if (done.succeeded()) {
          message.reply(done.result());
        } else {
          message.fail(FailureCodes.FAILED, String.valueOf(done.cause().getMessage()));
        }
      });
    };
  }

  /** Serves an application that may stream its body ({@link ResponseStarter#stream}) at {@code wsgi.<name>}. */
  public static MessageConsumer<JsonObject> serveStreaming(Vertx vertx, String name, StreamingApplication application) {
    return consume(vertx, vertx.eventBus().consumer(WsgiBus.appAddress(name)), (message, request) -> {
      try {
        application.handle(request, new ResponseStarter(vertx, message));
      } catch (RuntimeException e) {
        message.fail(FailureCodes.FAILED, String.valueOf(e.getMessage()));
      }
    });
  }

  private interface RequestHandler {
    void handle(Message<JsonObject> message, WsgiRequest request);
  }

  private static MessageConsumer<JsonObject> consume(Vertx vertx, MessageConsumer<JsonObject> consumer,
                                                     RequestHandler handler) {
    // Its answers go as objects to a gateway in this JVM, as JSON to one on another node.
    WsgiCodecs.registerOn(vertx.eventBus());
    return consumer.handler(message -> {
      WsgiRequest request;
      try {
        request = WsgiRequest.from(message.body());
      } catch (RuntimeException e) {
        message.fail(FailureCodes.BAD_REQUEST, "not a WSGI request: " + e.getMessage());
        return;
      }
      handler.handle(message, request);
    });
  }
}
