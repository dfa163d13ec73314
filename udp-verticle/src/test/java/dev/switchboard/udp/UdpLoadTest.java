package dev.switchboard.udp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bus.UdpBus;
import dev.switchboard.udp.UdpMeters.EventDrop;
import dev.switchboard.testing.Await;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UdpLoadTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** What a run of concurrent ping-pong senders saw. */
  private record Outcome(long sent, long answered) {
    long lost() {
      return sent - answered;
    }
  }

  /**
   * {@code senders} threads, each sending {@code perSender} 64-byte datagrams one after the other and waiting up to
   * 500 ms for each answer; a datagram without an answer in time is lost.
   */
  private static Outcome pingPong(int port, int senders, int perSender) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    try {
      List<Callable<Long>> tasks = new ArrayList<>();
      for (int s = 0; s < senders; s++) {
        int sender = s;
        tasks.add(() -> {
          long answered = 0;
          try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(500);
            byte[] in = new byte[128];
            for (int n = 0; n < perSender; n++) {
              byte[] out = ByteBuffer.allocate(64).putInt(sender).putInt(n).array();
              socket.send(new DatagramPacket(out, out.length, InetAddress.getLoopbackAddress(), port));
              answered += awaitAnswer(socket, in, n) ? 1 : 0;
            }
          }
          return answered;
        });
      }
      long answered = 0;
      for (java.util.concurrent.Future<Long> result : pool.invokeAll(tasks)) {
        answered += result.get();
      }
      return new Outcome((long) senders * perSender, answered);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Reads until the answer to datagram {@code n} comes (late answers to earlier ones are skipped) or time runs out. */
  private static boolean awaitAnswer(DatagramSocket socket, byte[] in, int n) throws Exception {
    while (true) {
      DatagramPacket reply = new DatagramPacket(in, in.length);
      try {
        socket.receive(reply);
      } catch (SocketTimeoutException e) {
        return false;
      }
      if (reply.getLength() == 64 && ByteBuffer.wrap(in).getInt(4) == n) {
        return true;
      }
    }
  }

  @Test
  @DisplayName("10,000 datagrams from 16 concurrent senders: every one the service received is answered; loss is reported")
  void tenThousandFromSixteen(Vertx vertx) throws Exception {
    RunningUdp udp = RunningUdp.start(vertx);
    Outcome outcome = pingPong(udp.port(), 16, 625);
    System.out.printf("UDP load: %d sent, %d answered, %d lost (%.2f %%); service received %d, replied %d%n",
        outcome.sent(), outcome.answered(), outcome.lost(), 100.0 * outcome.lost() / outcome.sent(),
        udp.meters().received(), udp.meters().replied());
    Await.condition("the service to count every answer it sent", WAIT,
        () -> udp.meters().replied() == udp.meters().received());
    // Loopback with one datagram in flight per sender loses none in practice; 1 % leaves room for a loaded machine.
    assertThat(outcome.lost()).isLessThanOrEqualTo(outcome.sent() / 100);
    assertThat(udp.meters().received()).isGreaterThanOrEqualTo(outcome.answered());
  }

  /** A consumer that takes 2 ms per event, on a worker thread so that it slows nobody else's event loop. */
  private static final class SlowConsumer extends VerticleBase {
    final AtomicLong handled = new AtomicLong();

    @Override
    public Future<?> start() {
      return vertx.eventBus().consumer(UdpBus.DATAGRAMS, message -> {
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        handled.incrementAndGet();
      }).completion();
    }
  }

  @Test
  @DisplayName("a slow bus consumer: events beyond its lag are dropped and counted, and every datagram is still answered")
  void slowConsumer(Vertx vertx) throws Exception {
    RunningUdp udp = RunningUdp.start(vertx, "publishMaxLag", "50ms");
    UdpMeters meters = udp.meters();
    SlowConsumer consumer = new SlowConsumer();
    vertx.deployVerticle(consumer, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
        .await(10, TimeUnit.SECONDS);

    Outcome outcome = pingPong(udp.port(), 16, 250);
    long lagDrops = meters.eventsDropped(EventDrop.CONSUMER_LAG);
    System.out.printf("slow consumer: %d answered of %d; %d events published, %d dropped for lag, %d for a full queue%n",
        outcome.answered(), outcome.sent(), meters.published(), lagDrops, meters.eventsDropped(EventDrop.QUEUE_FULL));

    assertThat(outcome.lost()).as("replies are not held up by the consumer").isLessThanOrEqualTo(outcome.sent() / 100);
    assertThat(lagDrops).as("the consumer cannot take 2 ms an event at this rate").isPositive();
    Await.condition("every event to be published or dropped", WAIT, () -> meters.published()
        + meters.eventsDropped(EventDrop.CONSUMER_LAG) + meters.eventsDropped(EventDrop.QUEUE_FULL) == meters.received());
    Await.condition("the consumer to work off what was published", WAIT,
        () -> consumer.handled.get() == meters.published());
  }
}
