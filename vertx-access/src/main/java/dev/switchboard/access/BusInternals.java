package dev.switchboard.access;

/** Names Vert.x's event bus reserves for itself, which its public API does not state. */
public final class BusInternals {

  /**
   * Every reply address starts so: Vert.x makes one for each request, and a client of the bridge answers a request by
   * sending to it.
   */
  public static final String REPLY_ADDRESS_PREFIX = "__vertx.reply.";

  private BusInternals() {
  }
}
