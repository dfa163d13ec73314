package dev.switchboard.echo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** The classic blocking TCP client: connect, sendall, recv. Every read gives up after 10 s. */
final class BlockingClient implements AutoCloseable {

  final Socket socket;

  BlockingClient(InetAddress host, int port) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(host, port), 5000);
    socket.setSoTimeout(10_000);
  }

  BlockingClient(int port) throws IOException {
    this(InetAddress.getLoopbackAddress(), port);
  }

  void send(byte[] data) throws IOException {
    socket.getOutputStream().write(data);
    socket.getOutputStream().flush();
  }

  void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends each piece as a separate write, so the server sees the stream cut at those points (or coalesced). */
  void sendPieces(byte[] data, int... cuts) throws IOException {
    int from = 0;
    for (int cut : cuts) {
      socket.getOutputStream().write(data, from, cut - from);
      socket.getOutputStream().flush();
      from = cut;
    }
    send(java.util.Arrays.copyOfRange(data, from, data.length));
  }

  String read(int length) throws IOException {
    byte[] data = socket.getInputStream().readNBytes(length);
    return new String(data, StandardCharsets.ISO_8859_1);
  }

  /** Everything until the server closes. */
  String readToEnd() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      out.write(buffer, 0, n);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
