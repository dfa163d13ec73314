package dev.switchboard.gateway.wsgi;

import dev.switchboard.gateway.http.ClientAddress;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds the PEP 3333 environ of a request: the CGI keys, {@code HTTP_*} for every other header (upper case,
 * {@code -} as {@code _}, repeats joined with {@code ", "}, or {@code "; "} for Cookie), {@code wsgi.url_scheme}, and
 * {@code switchboard.request_id}.
 *
 * <p>A header whose name contains {@code _} is dropped: {@code X_User} and {@code X-User} would both become
 * {@code HTTP_X_USER}, letting a client forge a header that a proxy in front had set (nginx drops them too).
 */
final class EnvironBuilder {

  private EnvironBuilder() {
  }

  /**
   * @param client          the client, through trusted proxies: REMOTE_ADDR, REMOTE_PORT and wsgi.url_scheme
   * @param bodyLength      the body's length, or -1 when it is streamed (CONTENT_LENGTH is then as the client declared)
   * @param onDroppedHeader told of each header dropped for its name
   * @throws PercentDecoding.Malformed when the path is not validly percent-encoded
   */
  static Map<String, String> build(HttpServerRequest request, ClientAddress client, RouteTable.Match match,
                                   int bodyLength, String requestId, Consumer<String> onDroppedHeader) {
    Map<String, String> environ = new LinkedHashMap<>(64);  // about 15 keys and a few headers: no rehashing
    environ.put("REQUEST_METHOD", request.method().name());
    environ.put("SCRIPT_NAME", PercentDecoding.decodePath(match.scriptName()));
    environ.put("PATH_INFO", PercentDecoding.decodePath(match.rawPathInfo()));
    String query = request.query();
    environ.put("QUERY_STRING", query == null ? "" : query);
    String contentType = request.getHeader("Content-Type");
    environ.put("CONTENT_TYPE", contentType == null ? "" : contentType);
    String declaredLength = request.getHeader("Content-Length");
    environ.put("CONTENT_LENGTH", bodyLength < 0 ? (declaredLength == null ? "" : declaredLength)
        : bodyLength > 0 || declaredLength != null ? String.valueOf(bodyLength) : "");
    SocketAddress local = request.localAddress();
    HostAndPort authority = request.authority();
    environ.put("SERVER_NAME", authority != null ? authority.host() : local.hostAddress());
    environ.put("SERVER_PORT", String.valueOf(local.port()));
    environ.put("SERVER_PROTOCOL", protocol(request.version()));
    environ.put("REMOTE_ADDR", client.host());
    environ.put("REMOTE_PORT", client.port() < 0 ? "" : String.valueOf(client.port()));
    request.headers().names().forEach(name -> {
      String key = name.toUpperCase(Locale.ROOT);
      if (key.equals("CONTENT-TYPE") || key.equals("CONTENT-LENGTH")) {
        return;
      }
      if (name.indexOf('_') >= 0) {
        onDroppedHeader.accept(name);
        return;
      }
      String separator = key.equals("COOKIE") ? "; " : ", ";
      environ.put("HTTP_" + key.replace('-', '_'), String.join(separator, request.headers().getAll(name)));
    });
    if (!environ.containsKey("HTTP_HOST") && authority != null) {
      // HTTP/2 carries the host in :authority, not in a Host header; WSGI applications expect HTTP_HOST.
      environ.put("HTTP_HOST", authority.port() > 0 ? authority.host() + ":" + authority.port() : authority.host());
    }
    environ.put("wsgi.url_scheme", client.scheme());
    environ.put("switchboard.request_id", requestId);
    return environ;
  }

  private static String protocol(HttpVersion version) {
    return switch (version) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_1_1 -> "HTTP/1.1";
      case HTTP_2 -> "HTTP/2";
    };
  }
}
