package dev.switchboard.deploy.client;

/** A client command that failed; the message is the one line printed, the code the exit status. */
final class ClientException extends Exception {

  static final int USAGE = 2;
  static final int TIMEOUT = 3;
  static final int UNREACHABLE = 4;
  static final int REMOTE_ERROR = 5;

  private final int exitCode;

  ClientException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  static ClientException usage(String message) {
    return new ClientException(USAGE, message);
  }

  int exitCode() {
    return exitCode;
  }
}
