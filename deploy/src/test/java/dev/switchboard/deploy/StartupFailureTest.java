package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigException;
import dev.switchboard.listen.ListenFailure;
import java.net.BindException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class StartupFailureTest {

  @Test
  void ownFailuresAreLoggedByTheirMessageAlone() {
    ListenFailure listen = new ListenFailure("gateway", "http", "127.0.0.1:8080", new BindException("Address already in use"));

    assertThat(StartupFailure.describe(new CompletionException(listen)))
        .isEqualTo("gateway listener http cannot listen on 127.0.0.1:8080: "
            + "address already in use (another process or listener holds the port)");
    assertThat(StartupFailure.unexpected(listen)).isFalse();
    assertThat(StartupFailure.describe(new ConfigException("udp.port: must be 0..65535"))).isEqualTo("udp.port: must be 0..65535");
  }

  @Test
  void anythingElseIsNamedByItsClassAndItsCauses() {
    Exception failure = new ExecutionException(new IllegalStateException("cluster join failed",
        new java.net.SocketException("Protocol family unavailable")));

    assertThat(StartupFailure.describe(failure)).isEqualTo("java.lang.IllegalStateException: cluster join failed"
        + " (caused by java.net.SocketException: Protocol family unavailable)");
    assertThat(StartupFailure.unexpected(failure)).isTrue();
  }

  @Test
  void aFailureWithoutMessageStillSaysWhatItWas() {
    assertThat(StartupFailure.describe(new NullPointerException())).isEqualTo("java.lang.NullPointerException");
  }
}
