package dev.switchboard.access;

/** An access no longer finds what it relies on in Vert.x: the message names the access and what is missing. */
final class InternalsChanged extends IllegalStateException {

  InternalsChanged(String access, String missing, Throwable cause) {
    super("Vert.x internals changed, " + access + " no longer works: " + missing + " (see docs/vertx-access.md)",
        cause);
  }

  InternalsChanged(String access, String missing) {
    this(access, missing, null);
  }
}
