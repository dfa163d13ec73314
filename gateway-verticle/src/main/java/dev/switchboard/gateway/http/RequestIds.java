package dev.switchboard.gateway.http;

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
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && given.matches("[A-Za-z0-9._:-]{1,128}") ? given : generate();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "-" : id;
  }

  private static String generate() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }
}
