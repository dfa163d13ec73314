package dev.switchboard.gateway.http;

import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Ending a connection the right way for its protocol. On HTTP/1.x a connection carries one request at a time, so
 * closing it is how a response says "no more"; on HTTP/2 it carries many streams, and only the request's own stream
 * may be ended (RFC 9113 also forbids a {@code Connection} header).
 */
public final class ConnectionEnd {

  private ConnectionEnd() {
  }

  /** After this response, an HTTP/1.x connection says {@code Connection: close} and closes once the response is sent. */
  public static void afterResponse(RoutingContext ctx) {
    if (ctx.request().version() == HttpVersion.HTTP_2) {
      return;
    }
    if (!ctx.response().headWritten()) {
      ctx.response().putHeader("Connection", "close");
    }
    ctx.addEndHandler(done -> ctx.request().connection().close());
  }

  /**
   * The rest of the request body will not be read. On HTTP/1.x the connection closes after this response (as
   * {@link #afterResponse}); on HTTP/2 the stream is reset with {@code NO_ERROR} once the response is out, which asks
   * the client to stop sending (RFC 9113, section 8.1) and frees the stream.
   */
  public static void skipRestOfBody(RoutingContext ctx) {
    if (ctx.request().version() != HttpVersion.HTTP_2) {
      afterResponse(ctx);
    } else if (!ctx.request().isEnded()) {
      ctx.addEndHandler(done -> {
        if (!ctx.request().isEnded()) {
          ctx.response().reset(0);
        }
      });
    }
  }

  /** Closes an HTTP/1.x connection once what is written has been sent; an HTTP/2 connection is left alone. */
  public static void closeHttp1(RoutingContext ctx) {
    if (ctx.request().version() != HttpVersion.HTTP_2) {
      ctx.request().connection().close();
    }
  }

  /** Cuts a response off mid-body, so the client sees it incomplete: HTTP/1.x closes the connection, HTTP/2 resets the stream. */
  public static void cut(RoutingContext ctx) {
    ctx.response().reset();
  }
}
