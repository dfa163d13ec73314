package dev.switchboard.gateway.screen;

/** Where the screen asks for what it cannot do through Vert.x: the connection's guard. */
public interface Rejections {

  /** The connection is closing after a refusal: it should wait for the client to stop sending first. */
  void lingerOnClose();

  /** The body is malformed: send this status, unless the response has begun, and close. */
  void rejectBody(int status, String message);
}
