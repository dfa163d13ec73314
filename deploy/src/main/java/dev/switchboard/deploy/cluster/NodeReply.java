package dev.switchboard.deploy.cluster;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/** A reply that remembers which node sent it, so that what follows it (a streamed body) can watch that node. */
final class NodeReply implements Message<Object> {

  private final Message<Object> reply;
  private final String nodeId;

  NodeReply(Message<Object> reply, String nodeId) {
    this.reply = reply;
    this.nodeId = nodeId;
  }

  String nodeId() {
    return nodeId;
  }

  @Override
  public String address() {
    return reply.address();
  }

  @Override
  public MultiMap headers() {
    return reply.headers();
  }

  @Override
  public Object body() {
    return reply.body();
  }

  @Override
  public String replyAddress() {
    return reply.replyAddress();
  }

  @Override
  public boolean isSend() {
    return reply.isSend();
  }

  @Override
  public void reply(Object message, DeliveryOptions options) {
    reply.reply(message, options);
  }

  @Override
  public <R> Future<Message<R>> replyAndRequest(Object message, DeliveryOptions options) {
    return reply.replyAndRequest(message, options);
  }
}
