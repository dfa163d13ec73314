package dev.switchboard.listen;

import java.net.BindException;

/** A listener could not open. The message names the service, the listener, the address and the reason in one line. */
public final class ListenFailure extends RuntimeException {

  public ListenFailure(String service, String name, String address, Throwable cause) {
    super(service + " listener " + name + " cannot listen on " + address + ": " + reason(cause), cause, false, false);
  }

  private static String reason(Throwable cause) {
    String message = String.valueOf(cause.getMessage());
    if (cause instanceof BindException || message.contains("Address already in use")) {
      return "address already in use (another process or listener holds the port)";
    }
    if (message.contains("Cannot assign requested address")) {
      return "no such local address";
    }
    if (message.contains("Permission denied")) {
      return "permission denied";
    }
    return message;
  }
}
