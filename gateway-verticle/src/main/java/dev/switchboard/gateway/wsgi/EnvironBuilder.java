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
 * {@code -} as {@code _}, in the order they came, repeats joined with {@code ", "}, or {@code "; "} for Cookie), {@code wsgi.url_scheme}, and
 * {@code switchboard.request_id}.
 *
 * <p>A header whose name contains {@code _} is dropped: {@code X_User} and {@code X-User} would both become
 * {@code HTTP_X_USER}, letting a client forge a header that a proxy in front had set (nginx drops them too).
 */
final class EnvironBuilder {

  /**
   * The keys of the headers browsers and HTTP clients send, as they spell them: looked up instead of upper-casing
   * and concatenating each header's name for every request.
   */
  private static final Map<String, String> COMMON_KEYS = Map.ofEntries(
      Map.entry("Host", "HTTP_HOST"), Map.entry("host", "HTTP_HOST"),
      Map.entry("User-Agent", "HTTP_USER_AGENT"), Map.entry("user-agent", "HTTP_USER_AGENT"),
      Map.entry("Accept", "HTTP_ACCEPT"), Map.entry("accept", "HTTP_ACCEPT"),
      Map.entry("Accept-Encoding", "HTTP_ACCEPT_ENCODING"), Map.entry("accept-encoding", "HTTP_ACCEPT_ENCODING"),
      Map.entry("Accept-Language", "HTTP_ACCEPT_LANGUAGE"), Map.entry("accept-language", "HTTP_ACCEPT_LANGUAGE"),
      Map.entry("Connection", "HTTP_CONNECTION"), Map.entry("connection", "HTTP_CONNECTION"),
      Map.entry("Cookie", "HTTP_COOKIE"), Map.entry("cookie", "HTTP_COOKIE"),
      Map.entry("Referer", "HTTP_REFERER"), Map.entry("referer", "HTTP_REFERER"),
      Map.entry("Authorization", "HTTP_AUTHORIZATION"), Map.entry("authorization", "HTTP_AUTHORIZATION"),
      Map.entry("Cache-Control", "HTTP_CACHE_CONTROL"), Map.entry("cache-control", "HTTP_CACHE_CONTROL"),
      Map.entry("X-Request-Id", "HTTP_X_REQUEST_ID"), Map.entry("x-request-id", "HTTP_X_REQUEST_ID"),
      Map.entry("X-Forwarded-For", "HTTP_X_FORWARDED_FOR"), Map.entry("x-forwarded-for", "HTTP_X_FORWARDED_FOR"));

  private EnvironBuilder() {
  }

  /**
   * @param client          the client, through trusted proxies: REMOTE_ADDR, REMOTE_PORT and wsgi.url_scheme
   * @param bodyLength      the body's length, or -1 when it is streamed (CONTENT_LENGTH is then as the client declared)
   * @param onDroppedHeader told of each header dropped for its name
   * @throws PercentDecoding.Malformed when the path is not validly percent-encoded
   */
  static LinkedHashMap<String, String> build(HttpServerRequest request, ClientAddress client, RouteTable.Match match,
                                   int bodyLength, String requestId, Consumer<String> onDroppedHeader) {
    // 15 CGI and WSGI keys and a browser's 8 or so headers fit without rehashing (24 keys at the default load factor).
    LinkedHashMap<String, String> environ = new LinkedHashMap<>(32);
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
    // One pass over the header lines, in the order they came; a repeated header is joined onto its first value.
    for (Map.Entry<String, String> header : request.headers()) {
      String name = header.getKey();
      if (name.indexOf('_') >= 0) {
        onDroppedHeader.accept(name);
        continue;
      }
      String key = environKey(name);
      if (key == null) {
        continue;
      }
      environ.merge(key, header.getValue(), key.equals("HTTP_COOKIE") ? EnvironBuilder::joinCookies : EnvironBuilder::join);
    }
    if (!environ.containsKey("HTTP_HOST") && authority != null) {
      // HTTP/2 carries the host in :authority, not in a Host header; WSGI applications expect HTTP_HOST.
      environ.put("HTTP_HOST", authority.port() > 0 ? authority.host() + ":" + authority.port() : authority.host());
    }
    environ.put("wsgi.url_scheme", client.scheme());
    environ.put("switchboard.request_id", requestId);
    return environ;
  }

  /** The environ key of a header: {@code HTTP_*}, or null for the two that have CGI keys. */
  private static String environKey(String name) {
    String common = COMMON_KEYS.get(name);
    if (common != null) {
      return common;
    }
    if (name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase("Content-Length")) {
      return null;
    }
    return "HTTP_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static String join(String first, String next) {
    return first + ", " + next;
  }

  private static String joinCookies(String first, String next) {
    return first + "; " + next;
  }

  private static String protocol(HttpVersion version) {
    return switch (version) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_1_1 -> "HTTP/1.1";
      case HTTP_2 -> "HTTP/2";
    };
  }
}
