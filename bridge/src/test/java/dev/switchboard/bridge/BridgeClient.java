package dev.switchboard.bridge;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A blocking bridge client on a real socket, for tests: raw frames in, JSON out; every read is bounded. */
public record BridgeClient(Socket socket, DataInputStream in, DataOutputStream out) implements AutoCloseable {

  public static BridgeClient connect(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(5_000);
    return new BridgeClient(socket, new DataInputStream(socket.getInputStream()), new DataOutputStream(socket.getOutputStream()));
  }

  public void send(JsonObject frame) throws IOException {
    sendRaw(frame.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** A frame with exactly these payload bytes, whatever they are. */
  void sendRaw(byte[] payload) throws IOException {
    out.writeInt(payload.length);
    out.write(payload);
    out.flush();
  }

  public JsonObject receive() throws IOException {
    byte[] json = new byte[in.readInt()];
    in.readFully(json);
    return new JsonObject(new String(json, StandardCharsets.UTF_8));
  }

  /** Pings and expects the pong: the frames sent before have all been handled, in order. */
  public void roundTrip() throws IOException {
    send(new JsonObject().put("type", "ping"));
    JsonObject answer = receive();
    if (!"pong".equals(answer.getString("type"))) {
      throw new AssertionError("expected a pong, got " + answer);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
