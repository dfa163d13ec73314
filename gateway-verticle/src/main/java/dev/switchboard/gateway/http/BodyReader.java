package dev.switchboard.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body into memory, up to a limit. A declared Content-Length over the limit is refused before any of
 * the body is read; a chunked body is refused as soon as it passes the limit.
 */
public final class BodyReader {

  /** The body was larger than allowed. */
  public static final class TooLarge extends RuntimeException {
    TooLarge(int limit) {
      super("request body over " + limit + " bytes", null, false, false);
    }
  }

  private BodyReader() {
  }

  /** Whether the request declares a body over the limit, so that it can be refused before any of it is read. */
  public static boolean declaredOver(HttpServerRequest request, int limit) {
    String declared = request.getHeader("Content-Length");
    return declared != null && HttpSyntax.isLength(declared) && Long.parseLong(declared) > limit;
  }

  public static Future<Buffer> read(HttpServerRequest request, int limit) {
    if (declaredOver(request, limit)) {
      return Future.failedFuture(new TooLarge(limit));
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      request.response().writeContinue();
    }
    Promise<Buffer> body = Promise.promise();
    Buffer collected = Buffer.buffer();
    request.handler(chunk -> {
      if (collected.length() + chunk.length() > limit) {
        request.handler(null);
        body.tryFail(new TooLarge(limit));
      } else {
        collected.appendBuffer(chunk);
      }
    });
    request.endHandler(v -> body.tryComplete(collected));
    request.exceptionHandler(body::tryFail);
    return body.future();
  }
}
