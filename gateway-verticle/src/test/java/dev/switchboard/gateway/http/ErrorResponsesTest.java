package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.switchboard.gateway.meters.GatewayMeters;
import dev.switchboard.gateway.meters.GatewayMeters.Failure;
import dev.switchboard.gateway.meters.GatewayMeters.Rejection;
import dev.switchboard.testing.LogCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ErrorResponsesTest {

  private final GatewayMeters meters = new GatewayMeters(new SimpleMeterRegistry(), List.of());
  private final ErrorResponses errors = new ErrorResponses(meters);
  private final HttpClient client = HttpClient.newHttpClient();
  private int port;

  private void serve(Vertx vertx, Router router) throws Exception {
    port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("a handler that throws: the client gets a bare 500, the log one ERROR line with the stack; a 404 is logged below INFO")
  void internalErrorAndRoutine(Vertx vertx) throws Exception {
    Router router = Router.router(vertx);
    router.route("/bug").handler(ctx -> {
      throw new IllegalStateException("a bug in a handler");
    });
    router.route().handler(ctx -> errors.send(ctx, 404, Failure.NOT_FOUND, "no route for " + ctx.request().path()));
    router.errorHandler(500, errors::internalError);
    serve(vertx, router);
    try (LogCapture log = LogCapture.of(ErrorResponses.class.getName())) {
      HttpResponse<String> bug = get("/bug");
      HttpResponse<String> missing = get("/nothing");

      assertThat(bug.statusCode()).isEqualTo(500);
      assertThat(bug.body()).isEqualTo("internal error\n");
      assertThat(missing.statusCode()).isEqualTo(404);
      List<ILoggingEvent> events = log.events();
      assertThat(events).filteredOn(e -> e.getLevel() == Level.ERROR).singleElement().satisfies(e -> {
        assertThat(e.getFormattedMessage()).contains("GET /bug: internal error");
        assertThat(e.getThrowableProxy().getMessage()).isEqualTo("a bug in a handler");
      });
      assertThat(events).as("the 404 below INFO, where the tests log").noneMatch(e -> e.getFormattedMessage().contains("/nothing"));
      assertThat(meters.failures(Failure.INTERNAL)).isEqualTo(1);
      assertThat(meters.failures(Failure.NOT_FOUND)).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("load shed at a limit is counted as what it is: 429 rate-limited, 503 at-capacity, each with Retry-After")
  void shedKinds(Vertx vertx) throws Exception {
    Router router = Router.router(vertx);
    router.route("/limited").handler(ctx -> errors.shedAtLimit(ctx, 429, Rejection.RATE_LIMITED, "too many requests"));
    router.route("/full").handler(ctx -> errors.shedAtLimit(ctx, 503, Rejection.IN_FLIGHT, "gateway at capacity"));
    serve(vertx, router);
    for (String path : List.of("/limited", "/full")) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(path.equals("/limited") ? 429 : 503);
      assertThat(response.headers().firstValue("Retry-After")).as(path).contains("1");
    }
    assertThat(meters.failures(Failure.RATE_LIMITED)).isEqualTo(1);
    assertThat(meters.failures(Failure.AT_CAPACITY)).isEqualTo(1);
    assertThat(meters.failures(Failure.BAD_REQUEST) + meters.failures(Failure.NO_APPLICATION)).isZero();
    assertThat(meters.rejected(Rejection.RATE_LIMITED)).isEqualTo(1);
  }
}
