package dev.switchboard.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.bus.FailureCodes;
import dev.switchboard.bus.UdpBus;
import dev.switchboard.bus.UdpSendRequest;
import dev.switchboard.bus.UdpSendResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpSendTest {

  private static UdpSendResult send(Vertx vertx, Object request) throws Exception {
    return UdpSendResult.fromJson((JsonObject) vertx.eventBus().request(UdpBus.SEND, request).await(10, TimeUnit.SECONDS).body());
  }

  private static ReplyException failure(Vertx vertx, Object request) {
    try {
      vertx.eventBus().request(UdpBus.SEND, request).await(10, TimeUnit.SECONDS);
    } catch (ReplyException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected a failure reply, got " + e);
    }
    throw new AssertionError("expected a failure reply, got an answer");
  }

  private static UdpSendRequest request(String host, int port, String data, boolean await, long timeoutMs) {
    return new UdpSendRequest(host, port, Buffer.buffer(data), await, Duration.ofMillis(timeoutMs));
  }

  @Test
  @DisplayName("udp.send to an allowed destination, awaiting the reply: the service's own hello mode answers")
  void sendAndAwaitReply(Vertx vertx) throws Exception {
    RunningUdp udp = RunningUdp.start(vertx, "replyMode", "hello");
    UdpSendResult result = send(vertx, request("127.0.0.1", udp.port(), "bus", true, 2000).toJson());
    assertThat(result.sent()).isTrue();
    assertThat(result.timedOut()).isFalse();
    assertThat(result.reply().toString()).isEqualTo("Hello, bus");
    assertThat(result.from()).isEqualTo("127.0.0.1:" + udp.port());
  }

  @Test
  @DisplayName("udp.send without awaiting: the datagram arrives and the answer says sent, with no reply")
  void sendOnly(Vertx vertx) throws Exception {
    RunningUdp.start(vertx);
    try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      peer.setSoTimeout(5000);
      CompletableFuture<String> arrived = CompletableFuture.supplyAsync(() -> {
        try {
          DatagramPacket packet = new DatagramPacket(new byte[100], 100);
          peer.receive(packet);
          return new String(packet.getData(), 0, packet.getLength());
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      // A name is resolved, then checked against the allow-list like an address.
      UdpSendResult result = send(vertx, request("localhost", peer.getLocalPort(), "one way", false, 1000).toJson());
      assertThat(result).isEqualTo(new UdpSendResult(true, null, null, false));
      assertThat(arrived.get(5, TimeUnit.SECONDS)).isEqualTo("one way");
    }
  }

  @Test
  @DisplayName("udp.send with a reply timeout: a destination that never answers gives timedOut true")
  void replyTimeout(Vertx vertx) throws Exception {
    RunningUdp.start(vertx);
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      long start = System.nanoTime();
      UdpSendResult result = send(vertx, request("127.0.0.1", silent.getLocalPort(), "anyone?", true, 200).toJson());
      assertThat(result).isEqualTo(new UdpSendResult(true, null, null, true));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }
  }

  @Test
  @DisplayName("udp.send to a destination outside the allow-list is refused with 403, and nothing is sent")
  void refusedDestination(Vertx vertx) throws Exception {
    RunningUdp udp = RunningUdp.start(vertx);
    ReplyException refused = failure(vertx, request("192.0.2.10", 9, "attack", false, 1000).toJson());
    assertThat(refused.failureCode()).isEqualTo(FailureCodes.FORBIDDEN);
    assertThat(refused.getMessage()).isEqualTo("destination 192.0.2.10 is not in udp.send.allow [127.0.0.0/8, ::1/128]");
    assertThat(udp.meters().sendRequests()).isEqualTo(1);
  }

  @Test
  @DisplayName("malformed udp.send requests get 400 with the field named; oversized data gets 413")
  void malformedRequests(Vertx vertx) throws Exception {
    RunningUdp.start(vertx, "maxDatagramBytes", "10");
    assertThat(failure(vertx, new JsonObject().put("port", 9).put("data", "")).getMessage()).isEqualTo("host is missing");
    assertThat(failure(vertx, new JsonObject().put("host", "127.0.0.1").put("port", 70000).put("data", "")).getMessage())
        .isEqualTo("port must be a whole number from 1 to 65535");
    ReplyException badBase64 = failure(vertx, new JsonObject().put("host", "127.0.0.1").put("port", 9).put("data", "%%%"));
    assertThat(badBase64.failureCode()).isEqualTo(FailureCodes.BAD_REQUEST);
    assertThat(badBase64.getMessage()).isEqualTo("data is not valid base64");
    assertThat(failure(vertx, "not json").getMessage()).isEqualTo("the request must be a JSON object");
    assertThat(failure(vertx, request("127.0.0.1", 9, "x", true, 60_000).toJson()).getMessage())
        .isEqualTo("timeoutMs 60000 is over the limit 30000");
    ReplyException tooLarge = failure(vertx, request("127.0.0.1", 9, "eleven byte", false, 1000).toJson());
    assertThat(tooLarge.failureCode()).isEqualTo(FailureCodes.TOO_LARGE);
    assertThat(failure(vertx, request("no-such-host.invalid", 9, "x", false, 1000).toJson()).getMessage())
        .isEqualTo("unknown host no-such-host.invalid");
  }

  @Test
  @DisplayName("the request contract round-trips through JSON")
  void contract() {
    UdpSendRequest request = request("::1", 7, "\u0000\u00ff", true, 50);
    UdpSendRequest back = UdpSendRequest.fromJson(request.toJson());
    assertThat(back.data()).isEqualTo(request.data());
    assertThat(back).isEqualTo(request);
    assertThatThrownBy(() -> UdpSendRequest.fromJson(new JsonObject().put("host", "h").put("port", 1).put("data", "")
        .put("awaitReply", "yes"))).hasMessage("awaitReply must be true or false");
  }
}
