package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.switchboard.counters.GatewayCounters;
import dev.switchboard.counters.GatewayCounters.Failure;
import dev.switchboard.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
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

  @Test
  @DisplayName("a handler that throws: the client gets a bare 500, the log one ERROR line with the stack; a 404 is logged below INFO")
  void internalErrorAndRoutine(Vertx vertx) throws Exception {
    ErrorResponses errors = new ErrorResponses(new GatewayCounters());
    Router router = Router.router(vertx);
    router.route("/bug").handler(ctx -> {
      throw new IllegalStateException("a bug in a handler");
    });
    router.route().handler(ctx -> errors.send(ctx, 404, Failure.NOT_FOUND, "no route for " + ctx.request().path()));
    router.errorHandler(500, errors::internalError);
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    HttpClient client = HttpClient.newHttpClient();
    try (LogCapture log = LogCapture.of(ErrorResponses.class.getName())) {
      HttpResponse<String> bug = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
          + "/bug")).build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + server.actualPort() + "/nothing")).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(bug.statusCode()).isEqualTo(500);
      assertThat(bug.body()).isEqualTo("internal error\n");
      assertThat(missing.statusCode()).isEqualTo(404);
      List<ILoggingEvent> events = log.events();
      assertThat(events).filteredOn(e -> e.getLevel() == Level.ERROR).singleElement().satisfies(e -> {
        assertThat(e.getFormattedMessage()).contains("GET /bug: internal error");
        assertThat(e.getThrowableProxy().getMessage()).isEqualTo("a bug in a handler");
      });
      assertThat(events).as("the 404 below INFO, where the tests log").noneMatch(e -> e.getFormattedMessage().contains("/nothing"));
    }
  }
}
