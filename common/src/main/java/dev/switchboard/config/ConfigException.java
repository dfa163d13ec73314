package dev.switchboard.config;

/**
 * A configuration that cannot be used. The message is one line meant for the operator: it names the key
 * (and where its value came from) or the resource that is wrong, and why.
 */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
