package dev.switchboard.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.bus.DatagramEvent;
import dev.switchboard.bus.UdpBus;
import dev.switchboard.config.UdpConfig;
import dev.switchboard.testing.ChildProcess;
import dev.switchboard.udp.UdpMeters.Drop;
import dev.switchboard.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpReplyTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  /** Not UTF-8: a lone continuation byte, an invalid lead byte, a NUL and lower-case ASCII. */
  private static final byte[] BINARY = {(byte) 0x80, (byte) 0xFF, 0, 'a', 'z', (byte) 0xC3};

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    return Buffer.buffer(a).appendBytes(b).getBytes();
  }

  /** A Vert.x datagram client: sends and completes with the first answer. */
  private static byte[] vertxExchange(Vertx vertx, int port, byte[] data) throws Exception {
    DatagramSocket client = vertx.createDatagramSocket();
    try {
      CompletableFuture<byte[]> answer = new CompletableFuture<>();
      client.handler(packet -> answer.complete(packet.data().getBytes()));
      client.listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
      client.send(Buffer.buffer(data), port, "127.0.0.1").await(5, TimeUnit.SECONDS);
      return answer.get(5, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  /** The first datagram event published from now on. */
  private static CompletableFuture<JsonObject> firstEvent(Vertx vertx) throws Exception {
    CompletableFuture<JsonObject> event = new CompletableFuture<>();
    vertx.eventBus().<JsonObject>consumer(UdpBus.DATAGRAMS, m -> event.complete(m.body())).completion()
        .await(5, TimeUnit.SECONDS);
    return event;
  }

  @Test
  @DisplayName("echo: the same bytes back, for text, non-UTF-8 bytes and the largest datagram")
  void echo(Vertx vertx) throws Exception {
    RunningUdp udp = RunningUdp.start(vertx);
    assertThat(vertxExchange(vertx, udp.port(), bytes("hello"))).isEqualTo(bytes("hello"));
    assertThat(udp.exchange(BINARY)).isEqualTo(BINARY);
    byte[] largest = new byte[UdpConfig.MAX_UDP_PAYLOAD];
    largest[0] = 1;
    largest[largest.length - 1] = 2;
    assertThat(udp.exchange(largest)).isEqualTo(largest);
    Await.condition("three replies counted", WAIT, () -> udp.meters().replied() == 3);
    assertThat(udp.meters().bytesOut()).isEqualTo(5 + BINARY.length + UdpConfig.MAX_UDP_PAYLOAD);
  }

  @Test
  @DisplayName("an empty datagram is received and published, but its empty echo cannot be sent and is counted as such")
  void emptyDatagram(Vertx vertx) throws Exception {
    RunningUdp udp = RunningUdp.start(vertx);
    CompletableFuture<JsonObject> event = firstEvent(vertx);
    assertThat(RunningUdp.exchange(InetAddress.getLoopbackAddress(), udp.port(), new byte[0], Duration.ofMillis(300))).isNull();
    assertThat(event.get(5, TimeUnit.SECONDS).getInteger("size")).isZero();
    assertThat(udp.meters().received()).isEqualTo(1);
    assertThat(udp.meters().dropped(Drop.EMPTY_REPLY)).isEqualTo(1);
  }

  @Test
  @DisplayName("hello: 'Hello, ' and the bytes; a maximum-size datagram cannot be answered and is counted")
  void hello(Vertx vertx) throws Exception {
    RunningUdp udp = RunningUdp.start(vertx, "replyMode", "hello");
    assertThat(vertxExchange(vertx, udp.port(), bytes("Ada"))).isEqualTo(bytes("Hello, Ada"));
    assertThat(udp.exchange(BINARY)).isEqualTo(concat(bytes("Hello, "), BINARY));
    assertThat(udp.exchange(new byte[0])).isEqualTo(bytes("Hello, "));
    assertThat(RunningUdp.exchange(InetAddress.getLoopbackAddress(), udp.port(), new byte[UdpConfig.MAX_UDP_PAYLOAD],
        Duration.ofMillis(300))).isNull();
    Await.condition("the unanswerable datagram to be counted", WAIT,
        () -> udp.meters().dropped(Drop.REPLY_TOO_LARGE) == 1);
  }

  @Test
  @DisplayName("upper: ASCII letters upper-cased, every other byte unchanged")
  void upper(Vertx vertx) throws Exception {
    RunningUdp udp = RunningUdp.start(vertx, "replyMode", "upper");
    assertThat(vertxExchange(vertx, udp.port(), bytes("mixed Case 42!"))).isEqualTo(bytes("MIXED CASE 42!"));
    assertThat(udp.exchange(BINARY)).isEqualTo(new byte[] {(byte) 0x80, (byte) 0xFF, 0, 'A', 'Z', (byte) 0xC3});
  }

  @Test
  @DisplayName("none: nothing is answered, but the datagram is counted and published")
  void none(Vertx vertx) throws Exception {
    RunningUdp udp = RunningUdp.start(vertx, "replyMode", "none");
    CompletableFuture<JsonObject> event = firstEvent(vertx);
    assertThat(RunningUdp.exchange(InetAddress.getLoopbackAddress(), udp.port(), BINARY, Duration.ofMillis(300))).isNull();
    DatagramEvent received = DatagramEvent.fromJson(event.get(5, TimeUnit.SECONDS));
    assertThat(received.data().getBytes()).isEqualTo(BINARY);
    assertThat(received.to()).isEqualTo("127.0.0.1:" + udp.port());
    assertThat(received.from()).startsWith("127.0.0.1:");
    assertThat(event.get().getInteger("size")).isEqualTo(BINARY.length);
    assertThat(udp.meters().received()).isEqualTo(1);
    assertThat(udp.meters().replied()).isZero();
  }

  @Test
  @DisplayName("a datagram larger than maxDatagramBytes is counted as truncated, neither answered nor published cut")
  void truncated(Vertx vertx) throws Exception {
    RunningUdp udp = RunningUdp.start(vertx, "maxDatagramBytes", "100");
    CompletableFuture<JsonObject> event = firstEvent(vertx);
    assertThat(RunningUdp.exchange(InetAddress.getLoopbackAddress(), udp.port(), new byte[150], Duration.ofMillis(300))).isNull();
    assertThat(udp.meters().dropped(Drop.TRUNCATED)).isEqualTo(1);
    assertThat(udp.exchange(new byte[100])).hasSize(100);
    assertThat(event.get(5, TimeUnit.SECONDS).getInteger("size")).as("only the whole datagram is published").isEqualTo(100);
  }

  @Test
  @DisplayName("on epoll, the jar's transport (recvmmsg): the largest datagram echoes whole; a burst mixing whole, "
      + "too large and empty datagrams is answered datagram by datagram")
  void epollBatches() throws Exception {
    Vertx vertx = RunningUdp.epollVertx();
    try {
      RunningUdp largest = RunningUdp.start(vertx);
      byte[] datagram = new byte[UdpConfig.MAX_UDP_PAYLOAD];
      datagram[0] = 1;
      datagram[datagram.length - 1] = 2;
      assertThat(largest.exchange(datagram)).isEqualTo(datagram);

      RunningUdp udp = RunningUdp.start(vertx, "maxDatagramBytes", "100");
      try (java.net.DatagramSocket client = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        client.setSoTimeout((int) WAIT.toMillis());
        byte[][] burst = {bytes("first"), new byte[150], new byte[0], new byte[100], bytes("last")};
        for (byte[] sent : burst) {
          client.send(new java.net.DatagramPacket(sent, sent.length, InetAddress.getLoopbackAddress(), udp.port()));
        }
        java.util.List<Integer> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
          java.net.DatagramPacket reply = new java.net.DatagramPacket(new byte[200], 200);
          client.receive(reply);
          answers.add(reply.getLength());
        }
        // One sender, one socket: the answers keep the order of the datagrams.
        assertThat(answers).containsExactly(5, 100, 4);
      }
      Await.condition("all five received", WAIT, () -> udp.meters().received() == 5);
      assertThat(udp.meters().dropped(Drop.TRUNCATED)).isEqualTo(1);
      assertThat(udp.meters().dropped(Drop.EMPTY_REPLY)).isEqualTo(1);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("rate limit: a source over its rate gets no answers past its burst, and the drops are counted")
  void rateLimit(Vertx vertx) throws Exception {
    RunningUdp udp = RunningUdp.start(vertx, "rateLimit.perSecond", "1", "rateLimit.burst", "3");
    try (java.net.DatagramSocket client = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < 10; i++) {
        client.send(new java.net.DatagramPacket(new byte[] {(byte) i}, 1, InetAddress.getLoopbackAddress(), udp.port()));
      }
      Await.condition("all ten to be received", WAIT, () -> udp.meters().received() == 10);
    }
    // One token a second: at most one more than the burst can have been earned while the ten arrived.
    assertThat(udp.meters().dropped(Drop.RATE_LIMITED)).isBetween(6L, 7L);
    Await.condition("the answers to be counted", WAIT, () -> udp.meters().replied() == 10 - udp.meters().dropped(Drop.RATE_LIMITED));
  }

  @Test
  @DisplayName("IPv6 loopback: the service answers on ::1")
  void ipv6(Vertx vertx) throws Exception {
    NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    assumeTrue(lo != null && lo.inetAddresses().anyMatch(a -> a instanceof Inet6Address), "no ::1 here");
    RunningUdp udp = RunningUdp.start(vertx, "host", "::1");
    assertThat(RunningUdp.exchange(InetAddress.getByName("::1"), udp.port(), bytes("six"), WAIT)).isEqualTo(bytes("six"));
  }

  @Test
  @DisplayName("multicast: bound to a group and joined on the loopback interface, the service answers the group's datagrams")
  void multicastOnLoopback(Vertx vertx) throws Exception {
    String group = "239.255.42.99";
    assumeTrue(canJoinOnLoopback(group), "this platform cannot join a multicast group on lo");
    RunningUdp udp = RunningUdp.start(vertx, "host", group, "multicast.group", group, "multicast.interface", "lo");
    try (java.net.MulticastSocket client = new java.net.MulticastSocket(0)) {
      client.setNetworkInterface(NetworkInterface.getByName("lo"));
      client.setSoTimeout(5000);
      byte[] data = bytes("to the group");
      client.send(new java.net.DatagramPacket(data, data.length, InetAddress.getByName(group), udp.port()));
      java.net.DatagramPacket reply = new java.net.DatagramPacket(new byte[100], 100);
      client.receive(reply);
      assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.ISO_8859_1)).isEqualTo("to the group");
    }
  }

  private static boolean canJoinOnLoopback(String group) {
    try (java.net.MulticastSocket probe = new java.net.MulticastSocket(0)) {
      probe.joinGroup(new java.net.InetSocketAddress(InetAddress.getByName(group), 0), NetworkInterface.getByName("lo"));
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  @DisplayName("the classic Python SOCK_DGRAM client gets the answer of every mode, for text, binary and empty datagrams")
  void pythonClient(Vertx vertx) throws Exception {
    int echo = RunningUdp.start(vertx).port();
    int hello = RunningUdp.start(vertx, "replyMode", "hello").port();
    int upper = RunningUdp.start(vertx, "replyMode", "upper").port();
    String script = """
        import socket, sys
        echo, hello, upper = (int(p) for p in sys.argv[1:4])
        cases = [
            (echo, b"ping", b"ping"), (echo, bytes([0x80, 0xff, 0]), bytes([0x80, 0xff, 0])),
            (hello, b"World", b"Hello, World"), (hello, b"\\xff", b"Hello, \\xff"), (hello, b"", b"Hello, "),
            (upper, b"abc xyz", b"ABC XYZ"), (upper, b"\\xe9t\\xe9", b"\\xe9T\\xe9"),
        ]
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        for port, sent, expected in cases:
            s.sendto(sent, ("127.0.0.1", port))
            data, addr = s.recvfrom(65535)
            assert data == expected and addr[1] == port, (port, sent, data, addr)
        print("ok", len(cases))
        """;
    String output = ChildProcess.run(Duration.ofSeconds(30), "python3", "-c", script, String.valueOf(echo),
        String.valueOf(hello), String.valueOf(upper)).output().trim();
    assertThat(output).isEqualTo("ok 7");
  }
}
