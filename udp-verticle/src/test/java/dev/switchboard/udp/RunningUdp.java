package dev.switchboard.udp;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.config.UdpConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A UDP service deployed for one test (two instances sharing an ephemeral port), with its meters. */
record RunningUdp(UdpService service, UdpMeters meters, int port) {

  /** Configured as a user would: {@code "replyMode", "hello"} sets {@code udp.replyMode}. The port is 0 unless given. */
  static UdpConfig config(String... keyValues) {
    Map<String, String> keys = new HashMap<>();
    keys.put("udp.port", "0");
    for (int i = 0; i < keyValues.length; i += 2) {
      keys.put("udp." + keyValues[i], keyValues[i + 1]);
    }
    return ConfigLoader.load(null, new OverrideSource(keys, Map.of(), Map.of())).udp();
  }

  static RunningUdp start(Vertx vertx, String... keyValues) throws Exception {
    UdpMeters meters = new UdpMeters(new SimpleMeterRegistry());
    UdpService service = new UdpService(vertx, config(keyValues), meters);
    int port = service.deploy(2).await(10, TimeUnit.SECONDS).get(0).port();
    return new RunningUdp(service, meters, port);
  }

  /** A Vert.x instance on the jar's transport, epoll (see {@link #requireEpoll}). */
  static Vertx epollVertx() {
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    if (!vertx.isNativeTransportEnabled()) {
      Throwable cause = vertx.unavailableNativeTransportCause();
      vertx.close();
      requireEpoll(cause);
    }
    return vertx;
  }

  /**
   * Epoll was not available: on Linux, where the jar ships it (x86_64 and aarch_64) and CI runs, that is a failure, not
   * a reason to skip; elsewhere (a developer's macOS) the calling test is skipped.
   */
  static void requireEpoll(Throwable cause) {
    if (System.getProperty("os.name", "").startsWith("Linux")) {
      throw new AssertionError("the epoll transport is missing on Linux", cause);
    }
    assumeTrue(false, "no epoll transport on " + System.getProperty("os.name") + ": " + cause);
  }

  /** Sends one datagram from a fresh blocking socket and returns the answer, or null when none comes in time. */
  static byte[] exchange(InetAddress host, int port, byte[] data, Duration wait) throws Exception {
    try (DatagramSocket socket = new DatagramSocket(0, host)) {
      socket.setSoTimeout((int) wait.toMillis());
      socket.send(new DatagramPacket(data, data.length, host, port));
      byte[] buffer = new byte[70_000];
      DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(reply);
      } catch (SocketTimeoutException e) {
        return null;
      }
      return Arrays.copyOf(buffer, reply.getLength());
    }
  }

  byte[] exchange(byte[] data) throws Exception {
    return exchange(InetAddress.getLoopbackAddress(), port, data, Duration.ofSeconds(5));
  }
}
