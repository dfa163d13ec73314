package dev.switchboard.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LeavingNoticeTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  @DisplayName("a notice is confirmed and the node avoided; a malformed one is refused with 400 and changes nothing")
  void noticeAndMalformedNotices() throws Exception {
    NodeAwareSelector selector = NodeAwareSelectorTest.selector("n1", "n2");
    new LeavingNotice(vertx, "self", selector).listen().await(10, TimeUnit.SECONDS);
    String address = LeavingNotice.ADDRESS_PREFIX + "self";
    for (Object bad : List.of("n1", new JsonObject(), new JsonObject().put("leaving", 7),
        new JsonObject().put("leaving", ""), new JsonObject().put("leaving", new JsonArray()))) {
      assertThatThrownBy(() -> vertx.eventBus().request(address, bad).await(10, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(400));
    }
    assertThat(NodeAwareSelectorTest.choices(selector, 4)).contains("n1", "n2");

    assertThat(vertx.eventBus().request(address, new JsonObject().put("leaving", "n1")).await(10, TimeUnit.SECONDS).body())
        .isEqualTo(new JsonObject().put("ok", true));
    assertThat(NodeAwareSelectorTest.choices(selector, 4)).containsOnly("n2");
  }

  @Test
  @DisplayName("announcing names the members that did not confirm")
  void unconfirmedMembersAreNamed() throws Exception {
    NodeAwareSelector selector = NodeAwareSelectorTest.selector("n1");
    new LeavingNotice(vertx, "other", selector).listen().await(10, TimeUnit.SECONDS);
    LeavingNotice leaving = new LeavingNotice(vertx, "self", selector);
    assertThat(leaving.announce(List.of("self", "other", "gone"), Duration.ofSeconds(5)).await(10, TimeUnit.SECONDS))
        .containsOnlyKeys("gone");
  }
}
