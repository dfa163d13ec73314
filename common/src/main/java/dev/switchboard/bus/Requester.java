package dev.switchboard.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/**
 * Sends a bus request that expects one answer. In one JVM this is {@code EventBus.request}. In a cluster a request
 * whose target node leaves the cluster fails at once with {@link NodeLostException} instead of waiting for its send
 * timeout (Vert.x does not fail pending replies when a member leaves), and a {@code retrySafe} request is sent once
 * more, to another consumer, before failing.
 */
public interface Requester {

  /**
   * @param retrySafe whether the request may be processed twice (GET/HEAD, a route with {@code retry: true}), so that a
   *                  request lost with its node can be sent again
   */
  Future<Message<Object>> request(String address, Object body, DeliveryOptions options, boolean retrySafe);

  /** The requester of a process with no cluster: nodes are never lost. */
  static Requester local(Vertx vertx) {
    return (address, body, options, retrySafe) -> vertx.eventBus().request(address, body, options);
  }
}
