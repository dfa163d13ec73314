package dev.switchboard.echo;

import static dev.switchboard.echo.RunningEcho.listener;
import static dev.switchboard.testing.Await.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bus.CloseReason;
import dev.switchboard.bus.ConnectionEvent;
import dev.switchboard.net.MemoryBudget;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code echo.maxBufferedBytes}: what all connections of the service hold together is bounded, not only each one. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EchoBudgetTest {

  private static final Logger LOG = LoggerFactory.getLogger(EchoBudgetTest.class);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int PARTIAL = 50_000;
  private static final long BUDGET = 400_000;

  @Test
  @DisplayName("connections each holding an unfinished frame: the one that needs more than the budget has left gets an "
      + "error line and is closed (buffer-budget); the others keep working, and the budget returns to 0")
  void partialFramesShareTheBudget(Vertx vertx) throws Exception {
    MemoryBudget budget = new MemoryBudget(BUDGET);
    RunningEcho echo = RunningEcho.start(vertx, budget, listener("framing", "line"));
    ListenerMeters meters = echo.meters("line");
    byte[] unfinished = new byte[PARTIAL];
    Arrays.fill(unfinished, (byte) 'x');
    List<BlockingClient> holding = new ArrayList<>();
    BlockingClient refused = null;
    try {
      while (refused == null && holding.size() < 20) {
        BlockingClient client = new BlockingClient(echo.port());
        long heldBefore = budget.held();
        long bytesBefore = meters.bytesIn();
        client.send(unfinished);
        condition("the frame held, or the connection refused", WAIT,
            () -> meters.bytesIn() == bytesBefore + PARTIAL && budget.held() >= heldBefore + PARTIAL
                || meters.closed(CloseReason.BUFFER_BUDGET) > 0);
        if (meters.closed(CloseReason.BUFFER_BUDGET) > 0) {
          refused = client;
        } else {
          holding.add(client);
        }
      }
      assertThat(refused).as("a connection refused").isNotNull();
      assertThat(readUntilClosed(refused)).isEqualTo("ERR out of buffer space (limit 400000)\n");
      ConnectionEvent closed = echo.nextClose(WAIT);
      assertThat(closed.reason()).isEqualTo(CloseReason.BUFFER_BUDGET);
      LOG.info("{} connections held {} bytes of unfinished frames ({} each) within a budget of {}; the next was refused",
          holding.size(), budget.held(), budget.held() / holding.size(), BUDGET);
      // 64 KiB frames cost at most about their size (not twice): 6 of 50 000 bytes fit in 400 000.
      assertThat(holding.size()).isBetween((int) (BUDGET / (64 * 1024)), (int) (BUDGET / PARTIAL));
      assertThat(budget.peak()).isLessThanOrEqualTo(BUDGET);

      for (BlockingClient client : holding) {
        client.send("\n");
        assertThat(client.read(PARTIAL + 1)).hasSize(PARTIAL + 1).endsWith("x\n");
      }
      // The last bytes can reach the client before the server's write completes and releases them.
      condition("frames complete and sent: nothing held", WAIT, () -> budget.held() == 0);
      try (BlockingClient late = new BlockingClient(echo.port())) {
        late.send("after\n");
        assertThat(late.read(6)).isEqualTo("after\n");
      }
    } finally {
      for (BlockingClient client : holding) {
        client.close();
      }
      if (refused != null) {
        refused.close();
      }
    }
    condition("every connection closed", WAIT, () -> meters.open() == 0);
    assertThat(budget.held()).isZero();
    assertThat(meters.closed(CloseReason.BUFFER_BUDGET)).isEqualTo(1);
  }

  @Test
  @DisplayName("raw clients that send without reading pin unsent output only up to the budget: past it they are "
      + "closed (buffer-budget), a reading client is still served, and everything is given back")
  void nonReadingClientsShareTheBudget(Vertx vertx) throws Exception {
    MemoryBudget budget = new MemoryBudget(BUDGET);
    RunningEcho echo = RunningEcho.start(vertx, budget, listener("writeQueueBytes", "65536"));
    ListenerMeters meters = echo.meters("raw");
    List<BlockingClient> pushers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    try {
      while (meters.closed(CloseReason.BUFFER_BUDGET) == 0 && pushers.size() < 40) {
        BlockingClient client = new BlockingClient(echo.port());
        pushers.add(client);
        Thread pusher = new Thread(() -> push(client), "pusher-" + pushers.size());
        pusher.start();
        threads.add(pusher);
        long heldBefore = budget.held();
        // Once the kernel's buffers are full, the server holds a full write queue for the client.
        condition("the client's output to back up in the server, or a client closed", WAIT,
            () -> budget.held() >= heldBefore + 65536 || meters.closed(CloseReason.BUFFER_BUDGET) > 0);
      }
      assertThat(meters.closed(CloseReason.BUFFER_BUDGET)).as("a pusher closed").isPositive();
      assertThat(budget.peak()).isLessThanOrEqualTo(BUDGET);
      LOG.info("{} non-reading clients: budget peak {} of {}", pushers.size(), budget.peak(), BUDGET);
      try (BlockingClient reader = new BlockingClient(echo.port())) {
        reader.send("still served");
        assertThat(reader.read(12)).isEqualTo("still served");
      }
    } finally {
      for (BlockingClient client : pushers) {
        client.close();
      }
    }
    for (Thread thread : threads) {
      thread.join(WAIT.toMillis());
    }
    condition("every connection closed", WAIT, () -> meters.open() == 0);
    condition("the budget back to 0", WAIT, () -> budget.held() == 0);
  }

  /** Sends up to 16 MB without reading, until the connection is closed. */
  private static void push(BlockingClient client) {
    byte[] chunk = new byte[65536];
    try {
      for (int i = 0; i < 256; i++) {
        client.send(chunk);
      }
    } catch (IOException closed) {
      // Closed by the server or by the test: the point.
    }
  }

  /**
   * What the server sent before it closed. The server closes with input still unread, so the kernel may answer with a
   * reset after the data; what arrived before it is still read first.
   */
  private static String readUntilClosed(BlockingClient client) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = client.socket.getInputStream();
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
      }
    } catch (SocketException reset) {
      // after the data
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }
}
