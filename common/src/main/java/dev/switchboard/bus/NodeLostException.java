package dev.switchboard.bus;

/** A request's target node left the cluster before answering: the request may or may not have been processed. */
public final class NodeLostException extends RuntimeException {

  private final String nodeId;

  public NodeLostException(String nodeId, String address) {
    super("the node serving " + address + " left the cluster", null, false, false);
    this.nodeId = nodeId;
  }

  public String nodeId() {
    return nodeId;
  }
}
