package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bridge.BridgeFrameValidator.Accepted;
import dev.switchboard.bridge.BridgeFrameValidator.Refused;
import dev.switchboard.bridge.BridgeFrameValidator.Verdict;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The frame check alone, without a network. */
class BridgeFrameValidatorTest {

  private final BridgeFrameValidator open = new BridgeFrameValidator("");
  private final BridgeFrameValidator guarded = new BridgeFrameValidator("s3cret");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"type\":\"ping\"}",
      "{\"type\":\"send\",\"address\":\"a\",\"body\":{\"x\":[1,2.5,null,true]}}",
      "{\"type\":\"send\",\"address\":\"a\",\"replyAddress\":\"r\",\"headers\":{\"timeout\":500,\"localOnly\":true,\"k\":\"v\"},\"body\":\"s\"}",
      "{\"type\":\"send\",\"address\":\"__vertx.reply.1\",\"failureCode\":500,\"message\":\"broken\"}",
      "{\"type\":\"send\",\"address\":\"a\",\"body\":9223372036854775807}",
      "{\"type\":\"publish\",\"address\":\"a\",\"body\":null}",
      "{\"type\":\"register\",\"address\":\"wsgi.app\",\"headers\":{}}",
      "{\"type\":\"unregister\",\"address\":\"wsgi.app\"}"})
  @DisplayName("frames the Vert.x bridge can act on are accepted as they are")
  void accepted(String json) {
    Verdict verdict = open.check(Buffer.buffer(json));
    assertThat(verdict).isInstanceOf(Accepted.class);
    assertThat(((Accepted) verdict).rewritten()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"type\":\"ping\",\"headers\":{\"timeout\":0}}                          | invalid_frame",
      "{\"type\":\"ping\",\"headers\":{\"timeout\":1.5}}                        | invalid_frame",
      "{\"type\":\"ping\",\"headers\":{\"localOnly\":\"yes\"}}                  | invalid_frame",
      "{\"type\":\"send\",\"address\":\"\"}                                     | invalid_frame",
      "{\"type\":\"send\",\"address\":\"a\",\"failureCode\":4294967296}         | invalid_frame",
      "{\"type\":\"send\",\"address\":\"a\",\"message\":5}                      | invalid_frame",
      "{\"type\":\"send\",\"address\":\"a\",\"body\":1e400}                     | invalid_frame",
      "{\"type\":\"message\",\"address\":\"a\"}                                 | unknown_type",
      "{\"type\":\"unregister\"}                                                | missing_address",
      "{\"type\":\"ping\"} trailing                                             | invalid_json",
      "{\"type\":\"ping\"                                                      | invalid_json"})
  @DisplayName("frames the Vert.x bridge would fail on are refused with a code")
  void refused(String json, String code) {
    Verdict verdict = open.check(Buffer.buffer(json));
    assertThat(verdict).isInstanceOf(Refused.class);
    assertThat(((Refused) verdict).code()).isEqualTo(code);
  }

  @Test
  @DisplayName("a refused request names its reply address, so that the client's wait ends at once")
  void refusedRequestCarriesReplyAddress() {
    Refused refused = (Refused) open.check(Buffer.buffer("{\"type\":\"send\",\"address\":\"a\",\"replyAddress\":\"r-9\",\"headers\":[]}"));
    assertThat(refused.toFrame()).isEqualTo(new JsonObject().put("type", "err").put("message", "invalid_frame")
        .put("detail", "headers must be a JSON object").put("address", "r-9"));
  }

  @Test
  @DisplayName("with a token, every type needs it exactly, and it is taken out of what goes on")
  void token() {
    assertThat(guarded.check(Buffer.buffer("{\"type\":\"ping\"}"))).isInstanceOf(Refused.class);
    assertThat(guarded.check(Buffer.buffer("{\"type\":\"ping\",\"headers\":{\"token\":\"s3cre\"}}"))).isInstanceOf(Refused.class);
    assertThat(guarded.check(Buffer.buffer("{\"type\":\"ping\",\"headers\":{\"token\":5}}"))).isInstanceOf(Refused.class);
    Accepted accepted = (Accepted) guarded.check(Buffer.buffer(
        "{\"type\":\"send\",\"address\":\"a\",\"headers\":{\"token\":\"s3cret\",\"k\":\"v\"},\"body\":1}"));
    assertThat(accepted.rewritten()).isEqualTo(new JsonObject().put("type", "send").put("address", "a")
        .put("headers", new JsonObject().put("k", "v")).put("body", 1));
  }

  @Test
  @DisplayName("a detail is one line of at most 200 characters")
  void clip() {
    assertThat(BridgeFrameValidator.clip("a\nb\u0000c")).isEqualTo("a?b?c");
    assertThat(BridgeFrameValidator.clip("x".repeat(500))).hasSize(203);
  }
}
