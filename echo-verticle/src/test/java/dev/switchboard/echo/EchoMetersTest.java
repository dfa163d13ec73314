package dev.switchboard.echo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.EchoConfig;
import dev.switchboard.net.MemoryBudget;
import dev.switchboard.testing.Await;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EchoMetersTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  @DisplayName("an echo verticle deployed alone counts on the registry it is given, each meter tagged with its listener")
  void countsOnTheGivenRegistry(Vertx vertx) throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    MemoryBudget budget = new MemoryBudget(EchoConfig.DEFAULT_MAX_BUFFERED_BYTES);
    EchoVerticle verticle = new EchoVerticle(new EchoConfig(List.of(RunningEcho.listener()), budget.max()),
        new EchoMeters(registry, budget), budget);
    vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
    assertThat(registry.get("switchboard.echo.buffered.bytes").gauge().value()).isZero();

    try (BlockingClient client = new BlockingClient(verticle.boundListeners().get(0).port())) {
      client.send("abc");
      assertThat(client.socket.getInputStream().readNBytes(3)).isEqualTo("abc".getBytes());
      assertThat(registry.get("switchboard.echo.connections").tag("listener", "raw").gauge().value()).isEqualTo(1);
      client.shutdownOutput();
      assertThat(client.socket.getInputStream().read()).as("closed after the client's FIN").isEqualTo(-1);
    }
    Await.condition("the close to be counted", WAIT, () -> registry.get("switchboard.echo.connections.closed")
        .tags("listener", "raw", "reason", "eof").counter().count() == 1);
    assertThat(registry.get("switchboard.echo.connections").tag("listener", "raw").gauge().value()).isZero();
    assertThat(registry.get("switchboard.echo.connections.accepted").tag("listener", "raw").counter().count()).isEqualTo(1);
    assertThat(registry.get("switchboard.echo.received.bytes").tag("listener", "raw").counter().count()).isEqualTo(3);
    assertThat(registry.get("switchboard.echo.sent.bytes").tag("listener", "raw").counter().count()).isEqualTo(3);
  }
}
