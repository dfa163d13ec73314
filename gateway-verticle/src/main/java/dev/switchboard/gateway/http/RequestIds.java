package dev.switchboard.gateway.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every request carries an id: the client's {@code X-Request-Id} when it is a sane token, else a new one. It is sent
 * back, put in the environ and written in every log line about the request.
 */
public final class RequestIds {

  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "switchboard.requestId";

  private RequestIds() {
  }

  /** The first handler of every request. */
  public static void assign(RoutingContext ctx) {
    String id = choose(ctx.request());
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  /** The client's id when it is sane, else a new one. */
  public static String choose(HttpServerRequest request) {
    String given = request.getHeader(HEADER);
    return given != null && isSane(given) ? given : fresh();
  }

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "-" : id;
  }

  /**
   * 1 to 128 of {@code A-Z a-z 0-9 . _ : -}: safe in a header, a log line and the environ. A character test, not
   * {@code String.matches}, which compiles its pattern on every call.
   */
  static boolean isSane(String id) {
    if (id.isEmpty() || id.length() > 128) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** A new id, for an answer given where there is no request to take one from. */
  public static String fresh() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }
}
