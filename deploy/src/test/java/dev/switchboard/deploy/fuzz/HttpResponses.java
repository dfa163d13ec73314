package dev.switchboard.deploy.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A lenient reader of the HTTP/1.x responses in a byte stream: status codes and bodies, framed by their headers. */
final class HttpResponses {

  record Response(int status, String body) { }

  private HttpResponses() { }

  /** Every complete response at the start of the bytes; stops at anything that is not a response. */
  static List<Response> parse(byte[] bytes) {
    List<Response> responses = new ArrayList<>();
    try {
      parseInto(bytes, responses);
    } catch (RuntimeException e) {
      // a head or chunk size that does not parse ends the responses found so far
    }
    return responses;
  }

  private static void parseInto(byte[] bytes, List<Response> responses) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int at = 0;
    while (at < text.length() && text.startsWith("HTTP/", at)) {
      int headEnd = text.indexOf("\r\n\r\n", at);
      if (headEnd < 0) {
        break;
      }
      String[] lines = text.substring(at, headEnd).split("\r\n");
      String[] statusLine = lines[0].split(" ", 3);
      int status;
      try {
        status = Integer.parseInt(statusLine[1]);
      } catch (RuntimeException e) {
        break;
      }
      long length = -1;
      boolean chunked = false;
      for (int i = 1; i < lines.length; i++) {
        String line = lines[i].toLowerCase(Locale.ROOT);
        if (line.startsWith("content-length:")) {
          length = Long.parseLong(line.substring(15).trim());
        } else if (line.startsWith("transfer-encoding:") && line.contains("chunked")) {
          chunked = true;
        }
      }
      int bodyStart = headEnd + 4;
      boolean noBody = status == 204 || status == 304 || status / 100 == 1;
      if (noBody) {
        responses.add(new Response(status, ""));
        at = bodyStart;
      } else if (chunked) {
        StringBuilder body = new StringBuilder();
        int p = bodyStart;
        while (true) {
          int lineEnd = text.indexOf("\r\n", p);
          if (lineEnd < 0) {
            responses.add(new Response(status, body.toString()));
            return;
          }
          int size = Integer.parseInt(text.substring(p, lineEnd).split(";")[0].trim(), 16);
          if (size == 0) {
            int trailerEnd = text.indexOf("\r\n\r\n", lineEnd);
            p = trailerEnd < 0 ? text.length() : trailerEnd + 4;
            break;
          }
          body.append(text, lineEnd + 2, Math.min(text.length(), lineEnd + 2 + size));
          p = lineEnd + 2 + size + 2;
        }
        responses.add(new Response(status, body.toString()));
        at = p;
      } else if (length >= 0) {
        int end = (int) Math.min(text.length(), bodyStart + length);
        responses.add(new Response(status, text.substring(bodyStart, end)));
        at = end;
      } else {
        responses.add(new Response(status, text.substring(bodyStart)));
        at = text.length();
      }
    }
  }

  /** The bytes hold at least one whole response (used to end a read early). */
  static boolean hasResponse(byte[] bytes) {
    return !parse(bytes).isEmpty();
  }
}
