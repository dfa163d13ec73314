package dev.switchboard.wsgi;

/**
 * Addresses of the WSGI-over-bus contract (documented in {@code docs/wsgi-over-bus.md}).
 */
public final class WsgiBus {

  /** An application named {@code hello} listens at {@code wsgi.hello}; {@code /apps/hello/...} routes to it. */
  public static final String APP_PREFIX = "wsgi.";
  /** Where the Java streaming helper listens for a stream's credit and cancel messages. */
  public static final String APP_STREAM_PREFIX = "wsgi.stream.";
  /** Where the gateway listens for a stream's chunks. */
  public static final String GATEWAY_STREAM_PREFIX = "gateway.stream.";
  /** Where the gateway listens for the credit of a streamed request body. */
  public static final String GATEWAY_BODY_PREFIX = "gateway.body.";
  /** Where the Java helper takes a streamed request body's chunks. */
  public static final String APP_BODY_PREFIX = "wsgi.body.";
  /** The largest chunk of a streamed body the gateway accepts by default; the Java helper never sends a larger one. */
  public static final int MAX_CHUNK_BYTES = 64 * 1024;

  private WsgiBus() {
  }

  /** The address of an application by name. */
  public static String appAddress(String name) {
    return APP_PREFIX + name;
  }
}
