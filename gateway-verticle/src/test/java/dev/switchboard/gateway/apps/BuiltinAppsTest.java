package dev.switchboard.gateway.apps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bus.JsonView;
import dev.switchboard.wsgi.WsgiRequest;
import dev.switchboard.wsgi.WsgiResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class BuiltinAppsTest {

  @Test
  @DisplayName("each registration has its own addresses for hello and echo, served by it alone; other addresses are left alone")
  void ownCopies(Vertx vertx, VertxTestContext test) {
    Context first = vertx.getOrCreateContext();
    Context second = vertx.getOrCreateContext();
    AtomicReference<BuiltinApps> one = new AtomicReference<>();
    AtomicReference<BuiltinApps> two = new AtomicReference<>();
    registerOn(first, vertx, one).compose(v -> registerOn(second, vertx, two)).onComplete(test.succeeding(v -> {
      String own = one.get().nearest("wsgi.hello");
      test.verify(() -> {
        assertThat(own).isNotEqualTo("wsgi.hello").isNotEqualTo(two.get().nearest("wsgi.hello"));
        assertThat(one.get().nearest("wsgi.echo")).isNotEqualTo("wsgi.echo");
        assertThat(one.get().nearest("wsgi.shop")).isEqualTo("wsgi.shop");
      });
      WsgiRequest request = new WsgiRequest(Map.of("REQUEST_METHOD", "GET", "PATH_INFO", "/"), Buffer.buffer());
      // Ten in a row: with the shared address the bus would alternate between the two registrations.
      List<Future<Object>> answers = IntStream.range(0, 10)
          .mapToObj(i -> vertx.eventBus().request(own, request).map(reply -> (Object) reply.body())).toList();
      Future.all(answers).compose(all -> {
        test.verify(() -> {
          for (Future<Object> answer : answers) {
            assertThat(JsonView.unwrap(answer.result(), WsgiResponse.class).body().toString()).isEqualTo("Hello, world!");
          }
        });
        return Future.all(one.get().consumers().stream().map(MessageConsumer::unregister).toList());
      }).compose(gone -> vertx.eventBus().request(own, request).map("answered by another registration")
          .recover(failure -> vertx.eventBus().request("wsgi.hello", request).map("gone with its registration")))
          .onComplete(test.succeeding(outcome -> test.verify(() -> {
            assertThat(outcome).isEqualTo("gone with its registration");
            test.completeNow();
          })));
    }));
  }

  private static Future<Void> registerOn(Context context, Vertx vertx, AtomicReference<BuiltinApps> into) {
    return Future.<Void>future(promise -> context.runOnContext(v -> {
      BuiltinApps apps = BuiltinApps.register(vertx);
      into.set(apps);
      Future.all(apps.consumers().stream().map(MessageConsumer::completion).toList()).<Void>mapEmpty()
          .onComplete(promise);
    }));
  }
}
