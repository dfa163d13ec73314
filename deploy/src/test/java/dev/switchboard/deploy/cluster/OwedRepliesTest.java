package dev.switchboard.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OwedRepliesTest {

  private final Vertx vertx = Vertx.vertx();
  private final OwedReplies owed = new OwedReplies(vertx);
  private final BlockingQueue<Message<Object>> received = new LinkedBlockingQueue<>();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private void holdingConsumer() {
    owed.install(vertx.eventBus());
    vertx.eventBus().consumer("work", received::add).completion().await();
  }

  @Test
  @DisplayName("a request received and not yet answered is owed; the wait ends with its reply")
  void waitEndsWithTheLastReply() throws Exception {
    holdingConsumer();
    Future<Message<Object>> reply = vertx.eventBus().request("work", "x");
    Message<Object> request = received.poll(10, TimeUnit.SECONDS);
    vertx.eventBus().send("work", "fire and forget: nothing owed");
    assertThat(received.poll(10, TimeUnit.SECONDS)).isNotNull();
    assertThat(owed.size()).isEqualTo(1);

    Future<Integer> drained = owed.awaitNone(Duration.ofSeconds(30));
    assertThat(drained.isComplete()).isFalse();
    request.reply("done");
    assertThat(drained.await(10, TimeUnit.SECONDS)).isZero();
    assertThat(reply.await(10, TimeUnit.SECONDS).body()).isEqualTo("done");
  }

  @Test
  @DisplayName("a failure is an answer too; a consumer that never answers makes the wait end at its bound, with the count")
  void failuresAnswerAndTheWaitIsBounded() throws Exception {
    holdingConsumer();
    vertx.eventBus().request("work", new JsonObject());
    vertx.eventBus().request("work", new JsonObject());
    Message<Object> failed = received.poll(10, TimeUnit.SECONDS);
    assertThat(received.poll(10, TimeUnit.SECONDS)).isNotNull();
    failed.fail(500, "no");
    assertThat(owed.awaitNone(Duration.ofMillis(300)).await(10, TimeUnit.SECONDS)).isEqualTo(1);
  }

  @Test
  @DisplayName("nothing owed: the wait ends at once")
  void nothingOwed() throws Exception {
    holdingConsumer();
    assertThat(owed.awaitNone(Duration.ofSeconds(30)).await(1, TimeUnit.SECONDS)).isZero();
  }
}
