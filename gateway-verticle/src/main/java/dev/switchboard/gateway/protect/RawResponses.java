package dev.switchboard.gateway.protect;

import dev.switchboard.gateway.http.RequestIds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 error response as bytes, for the answers given below the HTTP layer, where there is no request object
 * (a 408 before the headers are in, a 400 for a broken chunked body): the same plain one-line body as every other
 * error of the gateway, and {@code Connection: close}, since the connection closes after it.
 */
final class RawResponses {

  private RawResponses() {
  }

  static ByteBuf of(int status, String message) {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + "\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n" + RequestIds.HEADER + ": " + RequestIds.fresh() + "\r\n"
        + "Connection: close\r\nContent-Length: " + body.length + "\r\n\r\n";
    return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body);
  }
}
