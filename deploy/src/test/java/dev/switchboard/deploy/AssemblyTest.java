package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.listen.ListenFailure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.NetClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AssemblyTest {

  private Vertx vertx;
  private NetClient netClient;
  private HttpClient httpClient;
  private DatagramSocket udpClient;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    netClient = vertx.createNetClient();
    httpClient = vertx.createHttpClient();
    udpClient = vertx.createDatagramSocket();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static SwitchboardConfig onPorts(int echo, int udp, int gateway) {
    Map<String, String> ports = new HashMap<>();
    ports.put("echo.listeners.0.port", String.valueOf(echo));
    ports.put("udp.port", String.valueOf(udp));
    ports.put("gateway.port", String.valueOf(gateway));
    ports.put("bridge.port", "0");
    ports.put("instances", "2");
    return ConfigLoader.load(null, new OverrideSource(ports, Map.of(), Map.of()));
  }

  private static int port(List<BoundListener> listeners, String service) {
    return listeners.stream().filter(l -> l.service().equals(service)).findFirst().orElseThrow().port();
  }

  @Test
  @DisplayName("the whole assembly starts on free ports, every service answers, and it stops cleanly")
  void startsAndStops(VertxTestContext ctx) throws Exception {
    List<BoundListener> listeners = new Assembly(vertx, onPorts(0, 0, 0), Main.meterRegistry(vertx)).start().await(20, TimeUnit.SECONDS);
    assertThat(listeners).extracting(BoundListener::service).containsExactly("echo", "udp", "gateway", "bridge");
    assertThat(listeners).allSatisfy(l -> {
      assertThat(l.port()).isPositive();
      assertThat(l.address()).isEqualTo("127.0.0.1:" + l.port());
    });

    Buffer echoed = Buffer.buffer();
    netClient.connect(port(listeners, "echo"), "127.0.0.1").onComplete(ctx.succeeding(socket -> {
      socket.handler(data -> {
        echoed.appendBuffer(data);
        if (echoed.length() == 5) {
          ctx.verify(() -> assertThat(echoed.toString()).isEqualTo("hello"));
          socket.close();
          udpClient.handler(packet -> ctx.verify(() -> {
            assertThat(packet.data().toString()).isEqualTo("ping");
            httpClient.request(HttpMethod.GET, port(listeners, "gateway"), "127.0.0.1", "/nothing")
                .compose(request -> request.send())
                .onComplete(ctx.succeeding((HttpClientResponse response) -> ctx.verify(() -> {
                  assertThat(response.statusCode()).isEqualTo(404);
                  ctx.completeNow();
                })));
          }));
          udpClient.send("ping", port(listeners, "udp"), "127.0.0.1");
        }
      });
      socket.write("hello");
    }));
    assertThat(ctx.awaitCompletion(20, TimeUnit.SECONDS)).isTrue();

    Vertx served = vertx;
    vertx = Vertx.vertx();
    served.close().await(5, TimeUnit.SECONDS);
    // Closed means closed: the port is free again.
    try (ServerSocket again = new ServerSocket(port(listeners, "echo"), 50, InetAddress.getLoopbackAddress())) {
      assertThat(again.isBound()).isTrue();
    }
  }

  @Test
  @DisplayName("a port already in use fails start-up with a message naming the service, the address and the reason")
  void portInUse() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> new Assembly(vertx, onPorts(port, 0, 0), Main.meterRegistry(vertx)).start().await(20, TimeUnit.SECONDS))
          .isInstanceOf(ListenFailure.class)
          .hasMessage("echo listener raw cannot listen on 127.0.0.1:" + port
              + ": address already in use (another process or listener holds the port)");
    }
  }

  @Test
  @DisplayName("a UDP port another process holds through SO_REUSEPORT fails start-up the same way, naming the port")
  void udpPortInUse() throws IOException {
    try (DatagramChannel taken = DatagramChannel.open()) {
      taken.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
      assertThatThrownBy(() -> new Assembly(vertx, onPorts(0, port, 0), Main.meterRegistry(vertx)).start().await(20, TimeUnit.SECONDS))
          .isInstanceOf(ListenFailure.class)
          .hasMessage("udp listener udp cannot listen on 127.0.0.1:" + port
              + ": address already in use (another process or listener holds the port)");
    }
  }

  @Test
  @DisplayName("a process registers the meters of the roles it runs, and only those, on the registry it is given")
  void metersOfItsRoles() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    SwitchboardConfig gatewayOnly = ConfigLoader.load(null, new OverrideSource(
        Map.of("roles", "gateway", "gateway.port", "0", "instances", "2"), Map.of(), Map.of()));
    new Assembly(vertx, gatewayOnly, registry).start().await(20, TimeUnit.SECONDS);
    assertThat(registry.getMeters().stream().map(meter -> meter.getId().getName().split("\\.")[1])
        .collect(Collectors.toSet())).containsExactly("gateway");
  }
}
