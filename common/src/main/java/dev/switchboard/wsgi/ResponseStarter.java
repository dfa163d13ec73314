package dev.switchboard.wsgi;

import dev.switchboard.bus.FailureCodes;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/** How a streaming application answers one request: with a whole response, a failure, or a status and a body stream. */
public final class ResponseStarter {

  private final Vertx vertx;
  private final Message<JsonObject> request;

  ResponseStarter(Vertx vertx, Message<JsonObject> request) {
    this.vertx = vertx;
    this.request = request;
  }

  public void send(WsgiResponse response) {
    request.reply(response);
  }

  public void fail(String message) {
    request.fail(FailureCodes.FAILED, message);
  }

  /**
   * Answers with the status and headers; the body follows through the returned stream. The answer leaves only once
   * the stream's control address is registered (cluster-wide when clustered), so the gateway's first credit finds it.
   */
  public ResponseStream stream(String status, List<Header> headers) {
    String address = WsgiBus.APP_STREAM_PREFIX + UUID.randomUUID();
    MessageConsumer<JsonObject> control = vertx.eventBus().consumer(address);
    ResponseStream stream = new ResponseStream(vertx, control);
    control.completion().onComplete(registered -> {
      if (registered.succeeded()) {
        request.reply(new WsgiResponse(status, headers, null, address));
      } else {
        stream.fail("stream address not registered: " + registered.cause().getMessage());
        request.fail(FailureCodes.FAILED, "stream could not start");
      }
    });
    return stream;
  }
}
