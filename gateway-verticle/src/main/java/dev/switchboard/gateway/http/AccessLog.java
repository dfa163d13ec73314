package dev.switchboard.gateway.http;

import dev.switchboard.config.GatewayConfig.AccessLogFormat;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per finished request on the logger {@value #LOGGER}, so that it can be routed to its own file:
 * the Common Log Format with the request id appended, or a JSON object.
 */
public final class AccessLog {

  public static final String LOGGER = "switchboard.access";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final DateTimeFormatter CLF_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

  private AccessLog() {
  }

  /**
   * Logs the request once its response has ended; {@code startedAt} is from System.nanoTime().
   *
   * @param client the client through trusted proxies ({@link ClientAddress}), null if the request ended before it
   *               was known
   */
  public static void log(AccessLogFormat format, HttpServerRequest request, ClientAddress client, String route,
                         String requestId, long startedAt) {
    int status = request.response().getStatusCode();
    long bytes = request.response().bytesWritten();
    String remote = client == null ? "-" : client.host();
    String protocol = switch (request.version()) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_1_1 -> "HTTP/1.1";
      case HTTP_2 -> "HTTP/2";
    };
    if (format == AccessLogFormat.COMMON) {
      LOG.info("{} - - [{}] \"{} {} {}\" {} {} {}", remote, CLF_TIME.format(Instant.now()), request.method(),
          request.uri().replace("\"", "%22"), protocol, status, bytes, requestId);
    } else if (format == AccessLogFormat.JSON) {
      LOG.info("{}", new JsonObject()
          .put("time", Instant.now().toString())
          .put("remote", remote)
          .put("method", request.method().name())
          .put("uri", request.uri())
          .put("protocol", protocol)
          .put("status", status)
          .put("bytes", bytes)
          .put("durationMs", (System.nanoTime() - startedAt) / 1_000_000)
          .put("route", route)
          .put("requestId", requestId)
          .encode());
    }
  }
}
