package dev.switchboard.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.SocketAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AddressesTest {

  @Test
  @DisplayName("a peer is written host:port, an IPv6 host in brackets, a Unix socket as unix:PATH, and none as unknown")
  void remote() {
    assertThat(Addresses.remote(SocketAddress.inetSocketAddress(5000, "127.0.0.1"))).isEqualTo("127.0.0.1:5000");
    assertThat(Addresses.remote(SocketAddress.inetSocketAddress(5000, "::1"))).isEqualTo("[0:0:0:0:0:0:0:1]:5000");
    assertThat(Addresses.remote(SocketAddress.domainSocketAddress("/tmp/echo.sock"))).isEqualTo("unix:/tmp/echo.sock");
    assertThat(Addresses.remote(null)).isEqualTo("unknown");
  }

  @Test
  @DisplayName("a JDK socket address is written the same way, with the numeric host")
  void jdkAddress() {
    assertThat(Addresses.hostPort(new InetSocketAddress("127.0.0.1", 53))).isEqualTo("127.0.0.1:53");
    assertThat(Addresses.hostPort(new InetSocketAddress("::1", 53))).isEqualTo("[0:0:0:0:0:0:0:1]:53");
  }
}
