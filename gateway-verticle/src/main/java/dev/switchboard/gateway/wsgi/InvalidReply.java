package dev.switchboard.gateway.wsgi;

/** An application's answer that the gateway cannot turn into an HTTP response; the client gets 502. */
final class InvalidReply extends RuntimeException {

  InvalidReply(String message) {
    super(message, null, false, false);
  }
}
