package dev.switchboard.echo;

/** Tells connections that close without a reason of their own whether the service is stopping. */
@FunctionalInterface
interface StopSignal {
  boolean stopping();
}
