package dev.switchboard.wsgi.credit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.wsgi.Base64Body;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the credit-stream conformance fixtures of {@code docs/credit-stream/} against the Java state machines; the
 * Python client's {@code tests/test_credit.py} runs the same files against its own, so the two cannot drift.
 */
class CreditConformanceTest {

  private static final Path FIXTURES = Path.of("..", "docs", "credit-stream");

  /** A state machine driven by fixture steps: each step's answer, and what it reports afterwards. */
  private interface UnderTest {
    JsonObject step(JsonObject step);

    JsonObject state();
  }

  @TestFactory
  @DisplayName("the receiving end answers every message and event as docs/credit-stream/receiver.json says")
  Stream<DynamicTest> receiver() throws IOException {
    return cases("receiver.json", config -> new ReceiverUnderTest(new CreditReceiver(config.getInteger("window"),
        config.getInteger("batch"), config.getInteger("maxChunkBytes", Integer.MAX_VALUE),
        config.getLong("declaredLength", -1L))));
  }

  @TestFactory
  @DisplayName("the sending end answers every control message and chunk as docs/credit-stream/sender.json says")
  Stream<DynamicTest> sender() throws IOException {
    return cases("sender.json",
        config -> new SenderUnderTest(new CreditSender(config.getInteger("maxChunkBytes"))));
  }

  private static Stream<DynamicTest> cases(String file, Function<JsonObject, UnderTest> make) throws IOException {
    JsonObject fixtures = new JsonObject(Files.readString(FIXTURES.resolve(file)));
    String role = file.substring(0, file.indexOf('.'));
    return fixtures.getJsonArray("cases").stream().map(JsonObject.class::cast)
        .map(c -> DynamicTest.dynamicTest(c.getString("name"), () -> run(make.apply(c.getJsonObject(role)), c)));
  }

  private static void run(UnderTest machine, JsonObject fixture) {
    JsonArray steps = fixture.getJsonArray("steps");
    for (int i = 0; i < steps.size(); i++) {
      JsonObject step = steps.getJsonObject(i);
      JsonObject answer = machine.step(step);
      String where = "step " + i + " " + step.encode();
      if (step.containsKey("expect")) {
        assertThat(answer).as(where).isEqualTo(step.getJsonObject("expect"));
      }
      JsonObject expected = step.getJsonObject("state", new JsonObject());
      JsonObject state = machine.state();
      state.fieldNames().retainAll(expected.fieldNames());
      assertThat(state).as(where + ", state").isEqualTo(expected);
    }
  }

  private static JsonObject grant(int credit) {
    return new JsonObject().put("grant", credit);
  }

  private record ReceiverUnderTest(CreditReceiver receiver) implements UnderTest {

    @Override
    public JsonObject step(JsonObject step) {
      if (step.containsKey("open")) {
        return grant(receiver.open());
      } else if (step.containsKey("message")) {
        return describe(receiver.onMessage(step.getJsonObject("message")));
      } else if (step.containsKey("taken")) {
        return grant(receiver.taken(step.getLong("taken")));
      } else if (step.containsKey("drained")) {
        return grant(receiver.drained(step.getLong("drained")));
      } else if (step.containsKey("owe")) {
        receiver.owe();
        return null;
      } else if (step.containsKey("flush")) {
        return grant(receiver.flush());
      } else if (step.containsKey("close")) {
        receiver.close();
        return null;
      }
      throw new IllegalArgumentException("unknown step " + step.encode());
    }

    private static JsonObject describe(Received received) {
      return switch (received.kind()) {
        case CHUNK -> new JsonObject().put("chunk", new JsonObject().put("seq", received.chunk().seq())
            .put("data", Base64Body.encode(received.chunk().data())));
        case END -> new JsonObject().put("end", true);
        case ERROR -> new JsonObject().put("error", received.reason());
        case VIOLATION -> new JsonObject().put("violation", received.reason());
        case IGNORED -> new JsonObject().put("ignored", true);
      };
    }

    @Override
    public JsonObject state() {
      return new JsonObject().put("awaiting", receiver.awaitingChunks()).put("received", receiver.received());
    }
  }

  private record SenderUnderTest(CreditSender sender) implements UnderTest {

    @Override
    public JsonObject step(JsonObject step) {
      if (step.containsKey("control")) {
        Control control = sender.onControl(step.getJsonObject("control"));
        return switch (control.kind()) {
          case GRANTED -> new JsonObject().put("granted", control.credit());
          case CANCELLED -> new JsonObject().put("cancelled", control.reason());
          case IGNORED -> new JsonObject().put("ignored", true);
        };
      } else if (step.containsKey("take")) {
        return sender.canSend() ? new JsonObject().put("seq", sender.take()) : new JsonObject().put("refused", true);
      } else if (step.containsKey("close")) {
        return new JsonObject().put("tell", sender.close());
      }
      throw new IllegalArgumentException("unknown step " + step.encode());
    }

    @Override
    public JsonObject state() {
      return new JsonObject().put("destination", sender.destination()).put("maxChunkBytes", sender.maxChunkBytes())
          .put("canSend", sender.canSend()).put("open", sender.isOpen());
    }
  }
}
