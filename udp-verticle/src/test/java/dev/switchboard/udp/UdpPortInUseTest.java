package dev.switchboard.udp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.listen.BoundListener;
import dev.switchboard.listen.ListenFailure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A UDP port held by someone else stops the service; its own instances still share the port. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpPortInUseTest {

  /** A socket of "another process" on an ephemeral loopback port, bound as another Switchboard would (or not). */
  private static DatagramChannel foreignHolder(boolean reusePort) throws Exception {
    DatagramChannel channel = DatagramChannel.open();
    channel.setOption(StandardSocketOptions.SO_REUSEPORT, reusePort);
    channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return channel;
  }

  private static int port(DatagramChannel channel) throws Exception {
    return ((InetSocketAddress) channel.getLocalAddress()).getPort();
  }

  /** Why the deploy of two instances failed; an assertion error when it succeeds or takes over 10 s. */
  private static Throwable deployFailure(UdpService service) throws Exception {
    try {
      service.deploy(2).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the deploy succeeded");
  }

  @ParameterizedTest(name = "the other socket has SO_REUSEPORT: {0}")
  @ValueSource(booleans = {true, false})
  @DisplayName("a port another socket holds fails the deploy with one line naming the port, however that socket was bound")
  void portHeldElsewhere(boolean foreignReusePort, Vertx vertx, VertxTestContext testContext) throws Exception {
    try (DatagramChannel foreign = foreignHolder(foreignReusePort)) {
      int port = port(foreign);
      UdpService service = new UdpService(vertx, RunningUdp.config("port", String.valueOf(port)), new UdpMeters(new SimpleMeterRegistry()));
      service.deploy(2).onComplete(testContext.failing(err -> testContext.verify(() -> {
        assertThat(err).isInstanceOf(ListenFailure.class).hasMessage(
            "udp listener udp cannot listen on 127.0.0.1:" + port
                + ": address already in use (another process or listener holds the port)");
        assertThat(vertx.deploymentIDs()).as("no instance left deployed").isEmpty();
        testContext.completeNow();
      })));
      assertThat(testContext.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  @DisplayName("on a fixed free port, four instances of one service share it, and a second service on it is refused")
  void ownInstancesShare(Vertx vertx) throws Exception {
    int port;
    try (DatagramChannel probe = foreignHolder(false)) {
      port = port(probe);
    }
    UdpService first = new UdpService(vertx, RunningUdp.config("port", String.valueOf(port)), new UdpMeters(new SimpleMeterRegistry()));
    List<BoundListener> bound = first.deploy(4).await(10, TimeUnit.SECONDS);
    assertThat(bound.get(0).port()).isEqualTo(port);
    int deployments = vertx.deploymentIDs().size();
    assertThat(RunningUdp.exchange(InetAddress.getLoopbackAddress(), port, new byte[] {'h', 'i'}, Duration.ofSeconds(5)))
        .containsExactly('h', 'i');

    UdpService second = new UdpService(vertx, RunningUdp.config("port", String.valueOf(port)), new UdpMeters(new SimpleMeterRegistry()));
    assertThat(deployFailure(second))
        .isInstanceOf(ListenFailure.class)
        .hasMessageContaining("cannot listen on 127.0.0.1:" + port + ": address already in use");
    assertThat(vertx.deploymentIDs()).as("nothing more deployed").hasSize(deployments);
  }
}
