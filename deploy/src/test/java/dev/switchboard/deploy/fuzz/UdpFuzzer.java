package dev.switchboard.deploy.fuzz;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * UDP in echo mode: datagrams of random sizes up to 65 507 bytes (the IPv4 maximum), some empty, some in bursts. Each
 * non-empty datagram must come back unchanged; an empty one gets no answer (README: Netty skips empty datagrams).
 */
final class UdpFuzzer implements ListenerFuzzer {

  static final int MAX_DATAGRAM = 65507;
  private static final int REPLY_WAIT_MS = 300;

  private final int port;

  UdpFuzzer(int port) {
    this.port = port;
  }

  @Override
  public String name() {
    return "udp";
  }

  @Override
  public FuzzInput generate(Random random) {
    int size = switch (random.nextInt(6)) {
      case 0 -> 0;
      case 1 -> MAX_DATAGRAM - random.nextInt(16);
      case 2 -> random.nextInt(MAX_DATAGRAM + 1);
      case 3 -> 1400 + random.nextInt(200);
      default -> random.nextInt(512);
    };
    byte[] data = new byte[size];
    random.nextBytes(data);
    int burst = random.nextInt(8) == 0 ? 2 + random.nextInt(30) : 1;
    // pieces = how many times the datagram is sent back to back
    return FuzzInput.of(size == 0 ? "empty" : burst > 1 ? "burst" : "datagram", data).withPieces(burst).expecting(data);
  }

  @Override
  public Outcome play(FuzzInput input) throws IOException {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      socket.setReceiveBufferSize(4 << 20);
      InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      for (int i = 0; i < input.pieces(); i++) {
        socket.send(new DatagramPacket(input.data(), input.data().length, target));
      }
      int replies = 0;
      int wrong = 0;
      byte[] buffer = new byte[MAX_DATAGRAM + 1];
      long deadline = System.nanoTime() + REPLY_WAIT_MS * 1_000_000L;
      while (replies + wrong < input.pieces() && System.nanoTime() < deadline) {
        socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
          socket.receive(packet);
        } catch (SocketTimeoutException e) {
          break;
        }
        if (Arrays.equals(Arrays.copyOf(packet.getData(), packet.getLength()), input.data()) && packet.getPort() == port) {
          replies++;
        } else {
          wrong++;
        }
      }
      if (input.data().length == 0) {
        return replies + wrong == 0 ? Outcome.of("empty: no answer (documented)")
            : Outcome.violation("empty: answered", "an empty datagram was answered");
      }
      if (wrong > 0) {
        return Outcome.violation("wrong answer", wrong + " answers differ from the datagram or come from another port");
      }
      String cls = replies == input.pieces() ? "echoed" : replies == 0 ? "no answer within " + REPLY_WAIT_MS + " ms"
          : "burst partly answered";
      return Outcome.of(input.pieces() > 1 ? cls + " (burst)" : cls);
    }
  }

  @Override
  public String probe(long timeoutMs) throws IOException {
    byte[] data = "probe".getBytes(StandardCharsets.US_ASCII);
    long start = System.nanoTime();
    Outcome outcome = play(FuzzInput.of("probe", data).expecting(data));
    long ms = (System.nanoTime() - start) / 1_000_000;
    if (!outcome.outcomeClass().equals("echoed")) {
      return "udp datagram 'probe': " + outcome.outcomeClass();
    }
    return ms > timeoutMs ? "udp echo took " + ms + " ms" : null;
  }
}
