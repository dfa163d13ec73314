package dev.switchboard.bus;

import java.util.UUID;

/** This process's identity on the bus, carried in replies (header {@value #HEADER}) so that a client sees which node served it. */
public final class NodeId {

  public static final String HEADER = "switchboard-node";
  public static final String ID = UUID.randomUUID().toString().substring(0, 8);

  private NodeId() {
  }
}
