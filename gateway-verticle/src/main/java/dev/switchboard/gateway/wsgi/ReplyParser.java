package dev.switchboard.gateway.wsgi;

import dev.switchboard.bus.JsonView;
import dev.switchboard.gateway.http.HttpSyntax;
import dev.switchboard.wsgi.Base64Body;
import dev.switchboard.wsgi.Header;
import dev.switchboard.wsgi.WsgiResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks an application's answer and reads it into a {@link WsgiResponse}, or says exactly what is wrong with it.
 * Refused: a status that is not {@code NNN reason} with NNN from 200 to 599 (no 1xx: an answer is final), header names
 * that are not HTTP tokens, values with control characters, hop-by-hop headers (the gateway owns the connection),
 * bodies that are not base64, and a Content-Length that does not match the body. An answer from a Java application in
 * this JVM comes as the object itself ({@link JsonView}) and gets the same checks, without the JSON.
 */
final class ReplyParser {

  private static final String[] HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "trailers", "transfer-encoding", "upgrade", "proxy-connection"};

  private ReplyParser() {
  }

  /** @param head whether the request was HEAD, whose answer may declare a length without a body */
  static WsgiResponse parse(Object message, boolean head) {
    WsgiResponse local = JsonView.unwrap(message, WsgiResponse.class);
    return check(local != null ? local : read(message), head);
  }

  /** The answer's JSON as a response, checked for its shape only. */
  private static WsgiResponse read(Object message) {
    if (!(message instanceof JsonObject json)) {
      throw new InvalidReply("the answer is not a JSON object");
    }
    Object status = json.getValue("status");
    if (!(status instanceof String line)) {
      throw badStatus(status);
    }
    List<Header> headers = headers(json.getValue("headers"));
    Object stream = json.getValue("stream");
    if (stream != null) {
      if (!(stream instanceof String address)) {
        throw new InvalidReply("stream must be a bus address");
      }
      return new WsgiResponse(line, headers, null, address);
    }
    return WsgiResponse.of(line, headers, body(json.getValue("body")));
  }

  private static WsgiResponse check(WsgiResponse answer, boolean head) {
    if (answer.status() == null || !HttpSyntax.isFinalStatus(answer.status())) {
      throw badStatus(answer.status());
    }
    String declared = null;
    int lengths = 0;
    for (Header header : answer.headers()) {
      checkHeader(header);
      if (header.name().equalsIgnoreCase("Content-Length")) {
        lengths++;
        declared = header.value();
      }
    }
    if (lengths > 1 || declared != null && !HttpSyntax.isLength(declared)) {
      // Two lengths, or one that is not a number, would let a proxy read the response differently than its client.
      throw new InvalidReply("Content-Length must appear once, as a number: " + answer.headers().stream()
          .filter(h -> h.name().equalsIgnoreCase("Content-Length")).map(Header::value).toList());
    }
    if (answer.streamed()) {
      if (answer.stream().isBlank()) {
        throw new InvalidReply("stream must be a bus address");
      }
      return answer;
    }
    Buffer body = answer.body() == null ? Buffer.buffer() : answer.body();
    if (declared != null && !head && Long.parseLong(declared) != body.length()) {
      throw new InvalidReply("Content-Length " + declared + " does not match the body's " + body.length() + " bytes");
    }
    return answer.body() == body ? answer : WsgiResponse.of(answer.status(), answer.headers(), body);
  }

  private static InvalidReply badStatus(Object status) {
    return new InvalidReply("bad status " + status + " (expected e.g. \"200 OK\", 200-599)");
  }

  private static void checkHeader(Header header) {
    String name = header.name();
    if (name == null || !HttpSyntax.isToken(name)) {
      throw new InvalidReply("header name '" + name + "' is not an HTTP token");
    }
    if (header.value() == null || !HttpSyntax.isFieldValue(header.value())) {
      throw new InvalidReply("header " + name + " has a control character in its value");
    }
    if (isHopByHop(name)) {
      throw new InvalidReply("hop-by-hop header " + name + " is not allowed");
    }
  }

  /** Compared in place: lower-casing each header name of every answer would make a string per header. */
  private static boolean isHopByHop(String name) {
    for (String hopByHop : HOP_BY_HOP) {
      if (hopByHop.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private static List<Header> headers(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray list)) {
      throw new InvalidReply("headers must be a list of [name, value] pairs");
    }
    List<Header> headers = new ArrayList<>(list.size());
    for (Object entry : list) {
      if (!(entry instanceof JsonArray pair) || pair.size() != 2
          || !(pair.getValue(0) instanceof String name) || !(pair.getValue(1) instanceof String text)) {
        throw new InvalidReply("header " + entry + " is not a [name, value] pair of strings");
      }
      headers.add(new Header(name, text));
    }
    return headers;
  }

  private static Buffer body(Object value) {
    if (value == null) {
      return Buffer.buffer();
    }
    if (!(value instanceof String text)) {
      throw new InvalidReply("body must be base64 text");
    }
    try {
      return Base64Body.decode(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidReply("body is not valid base64");
    }
  }
}
