package dev.switchboard.wsgi;

import dev.switchboard.bus.JsonView;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as the gateway sends it to an application: a PEP 3333 environ and the body, or, on a route with
 * {@code streamBody}, the address from which the application takes the body with credit ({@link RequestBody}).
 *
 * <pre>{"environ": {"REQUEST_METHOD": "GET", "SCRIPT_NAME": "/apps/hello", "PATH_INFO": "/", ...}, "body": ""}
 * {"environ": {...}, "bodyStream": "gateway.body.9c1e..."}</pre>
 *
 * @param bodyStream null when the body is in the message
 *
 * <p>Environ values are strings in PEP 3333's "bytes as latin-1" form: {@code PATH_INFO} is the percent-decoded path
 * with one character per byte, exactly what a Python WSGI server hands an application. {@link #path()} gives the
 * UTF-8 reading that Java code usually wants.
 */
public record WsgiRequest(Map<String, String> environ, Buffer body, String bodyStream) {

  public WsgiRequest {
    environ = environ instanceof Environ taken ? taken : new Environ(new LinkedHashMap<>(environ));
  }

  /**
   * A request that takes {@code environ} as it is, without the copy the constructor makes: the caller gives the map
   * up and must not change it afterwards (the gateway, which builds one per request).
   */
  public static WsgiRequest taking(LinkedHashMap<String, String> environ, Buffer body, String bodyStream) {
    return new WsgiRequest(new Environ(environ), body, bodyStream);
  }

  /** A request with its whole body. */
  public WsgiRequest(Map<String, String> environ, Buffer body) {
    this(environ, body, null);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("environ", new JsonObject(new LinkedHashMap<>(environ)));
    return bodyStream != null ? json.put("bodyStream", bodyStream) : json.put("body", Base64Body.encode(body));
  }

  /**
   * The request in a message body: the object itself when it came from this JVM ({@link WsgiCodecs}), else read from
   * its JSON.
   *
   * @throws IllegalArgumentException when the message is not a request
   */
  public static WsgiRequest from(Object body) {
    WsgiRequest local = JsonView.unwrap(body, WsgiRequest.class);
    if (local != null) {
      return local;
    }
    if (!(body instanceof JsonObject json)) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return fromJson(json);
  }

  /** @throws IllegalArgumentException when the message is not a request */
  public static WsgiRequest fromJson(JsonObject json) {
    JsonObject environ = json.getJsonObject("environ");
    if (environ == null) {
      throw new IllegalArgumentException("no environ");
    }
    return new WsgiRequest(stringValues(environ), Base64Body.decode(json.getString("body", "")), json.getString("bodyStream"));
  }

  /**
   * The environ's underlying map when every value is a string (as the gateway sends it: the constructor's copy is then
   * the only one), else a copy where a value that is not a string (outside PEP 3333, from a bus client) is written as
   * JSON, as JsonObject's own wrapping would.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Map<String, String> stringValues(JsonObject environ) {
    Map<String, Object> raw = environ.getMap();
    boolean allStrings = true;
    for (Object value : raw.values()) {
      allStrings &= value instanceof String;
    }
    if (allStrings) {
      return (Map) raw;
    }
    Map<String, String> values = new LinkedHashMap<>();
    raw.forEach((key, value) -> values.put(key, value instanceof String text ? text : String.valueOf(environ.getValue(key))));
    return values;
  }

  public String method() {
    return environ.get("REQUEST_METHOD");
  }

  /** PATH_INFO read as UTF-8 (the environ holds it byte for byte, as PEP 3333 does). */
  public String path() {
    return new String(environ.getOrDefault("PATH_INFO", "").getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  public String queryString() {
    return environ.getOrDefault("QUERY_STRING", "");
  }

  /** A request header by its HTTP name ({@code Content-Type}, {@code X-Trace}), or null. */
  public String header(String name) {
    String key = name.toUpperCase(Locale.ROOT).replace('-', '_');
    if (key.equals("CONTENT_TYPE") || key.equals("CONTENT_LENGTH")) {
      String value = environ.get(key);
      return value == null || value.isEmpty() ? null : value;
    }
    return environ.get("HTTP_" + key);
  }
}
