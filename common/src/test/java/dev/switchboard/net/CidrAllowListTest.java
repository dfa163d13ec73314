package dev.switchboard.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CidrAllowListTest {

  private static boolean allows(CidrAllowList list, String address) throws Exception {
    return list.allows(InetAddress.getByName(address));
  }

  @Test
  @DisplayName("addresses inside a block are allowed, those outside are not, at byte and bit boundaries")
  void blocks() throws Exception {
    CidrAllowList list = CidrAllowList.parse(List.of("127.0.0.0/8", "10.1.2.128/25", "192.168.1.7"));
    assertThat(allows(list, "127.255.0.1")).isTrue();
    assertThat(allows(list, "128.0.0.1")).isFalse();
    assertThat(allows(list, "10.1.2.200")).isTrue();
    assertThat(allows(list, "10.1.2.127")).isFalse();
    assertThat(allows(list, "192.168.1.7")).isTrue();
    assertThat(allows(list, "192.168.1.8")).isFalse();
  }

  @Test
  @DisplayName("IPv4 and IPv6 blocks never match each other; the default loopback list covers both loopbacks")
  void families() throws Exception {
    CidrAllowList loopback = CidrAllowList.parse(List.of("127.0.0.0/8", "::1/128"));
    assertThat(allows(loopback, "::1")).isTrue();
    assertThat(allows(loopback, "::2")).isFalse();
    assertThat(allows(loopback, "127.0.0.1")).isTrue();
    assertThat(allows(CidrAllowList.parse(List.of("0.0.0.0/0")), "::1")).isFalse();
    assertThat(allows(CidrAllowList.parse(List.of("::/0")), "8.8.8.8")).isFalse();
  }

  @Test
  @DisplayName("names and malformed blocks are refused with the entry named")
  void malformed() {
    assertThatThrownBy(() -> CidrAllowList.parse(List.of("localhost"))).hasMessageContaining("'localhost' is not an address block");
    assertThatThrownBy(() -> CidrAllowList.parse(List.of("1.2.3.4/40"))).hasMessageContaining("prefix length outside 0-32");
    assertThatThrownBy(() -> CidrAllowList.parse(List.of("1.2.3.4/x"))).hasMessageContaining("prefix length");
  }
}
