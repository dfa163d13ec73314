package dev.switchboard.deploy;

import dev.switchboard.config.ConfigException;
import dev.switchboard.listen.ListenFailure;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What the launcher logs when the services cannot start. Our own failures ({@link ListenFailure},
 * {@link ConfigException}) already say what went wrong and what to do, so they are logged by message alone. Anything
 * else (a cluster that cannot join, a bug) is named by its class and its causes' classes, so that a failure with no
 * message or a bare "null" still says what it was.
 */
final class StartupFailure {

  private static final int MAX_CAUSES = 5;

  private StartupFailure() {
  }

  /** One line: the failure without the wrappers that futures put around it. */
  static String describe(Throwable failure) {
    Throwable unwrapped = unwrap(failure);
    if (unwrapped instanceof ListenFailure || unwrapped instanceof ConfigException) {
      return unwrapped.getMessage();
    }
    StringBuilder line = new StringBuilder(named(unwrapped));
    Throwable cause = unwrapped.getCause();
    for (int i = 0; cause != null && cause != unwrapped && i < MAX_CAUSES; i++, cause = cause.getCause()) {
      line.append(" (caused by ").append(named(cause)).append(')');
    }
    return line.toString();
  }

  /** Whether the stack trace helps: not for our own failures, whose message is the whole story. */
  static boolean unexpected(Throwable failure) {
    Throwable unwrapped = unwrap(failure);
    return !(unwrapped instanceof ListenFailure || unwrapped instanceof ConfigException);
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private static String named(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getName()
        : failure.getClass().getName() + ": " + message;
  }
}
