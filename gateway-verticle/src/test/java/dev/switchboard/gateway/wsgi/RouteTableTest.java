package dev.switchboard.gateway.wsgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.BuiltinRoutes;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.GatewayLimits;
import dev.switchboard.config.GatewayTimeouts;
import dev.switchboard.config.GatewayRoute;
import dev.switchboard.net.CidrAllowList;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RouteTableTest {

  private static GatewayRoute route(String prefix, String address) {
    return new GatewayRoute(prefix, address, Set.of(), Duration.ofSeconds(1), 10, false, false);
  }

  private static final GatewayConfig CONFIG = new GatewayConfig("127.0.0.1", 0, Duration.ofSeconds(30), 100, true,
      List.of(route("/api", "wsgi.api"), route("/api/v2", "wsgi.v2")), 16, 65536, Duration.ofSeconds(30), 10, 65536,
      GatewayTimeouts.defaults(), GatewayLimits.defaults(), null, GatewayConfig.AccessLogFormat.OFF,
      CidrAllowList.parse(List.of()), BuiltinRoutes.defaults());

  @Test
  @DisplayName("prefixes match whole segments, the longest wins, and the rest becomes PATH_INFO")
  void prefixes() {
    RouteTable table = new RouteTable(CONFIG);
    assertThat(table.find("/api")).extracting(RouteTable.Match::scriptName, RouteTable.Match::rawPathInfo)
        .containsExactly("/api", "");
    assertThat(table.find("/api/users/1").rawPathInfo()).isEqualTo("/users/1");
    assertThat(table.find("/api/v2/x").route().address()).isEqualTo("wsgi.v2");
    assertThat(table.find("/api/v20").route().address()).isEqualTo("wsgi.api");
    assertThat(table.find("/apix")).isNull();
  }

  @Test
  @DisplayName("an application at / takes every path that no longer prefix takes, with an empty SCRIPT_NAME")
  void root() {
    RouteTable table = new RouteTable(new GatewayConfig("127.0.0.1", 0, Duration.ofSeconds(30), 100, true,
        List.of(route("/", "wsgi.site"), route("/api", "wsgi.api")), 16, 65536, Duration.ofSeconds(30), 10, 65536,
        GatewayTimeouts.defaults(), GatewayLimits.defaults(), null, GatewayConfig.AccessLogFormat.OFF,
        CidrAllowList.parse(List.of()), BuiltinRoutes.defaults()));
    assertThat(table.find("/")).extracting(m -> m.route().address(), RouteTable.Match::scriptName,
        RouteTable.Match::rawPathInfo).containsExactly("wsgi.site", "", "/");
    assertThat(table.find("/about/us").rawPathInfo()).isEqualTo("/about/us");
    assertThat(table.find("/apps/hello/").route().address()).isEqualTo("wsgi.site");
    assertThat(table.find("/api/x").route().address()).isEqualTo("wsgi.api");
  }

  @Test
  @DisplayName("/apps/<name>/... reaches wsgi.<name>; a name must be a plain word")
  void appsByName() {
    RouteTable table = new RouteTable(CONFIG);
    RouteTable.Match match = table.find("/apps/shop.v1/cart/%20x");
    assertThat(match.route().address()).isEqualTo("wsgi.shop.v1");
    assertThat(match.scriptName()).isEqualTo("/apps/shop.v1");
    assertThat(match.rawPathInfo()).isEqualTo("/cart/%20x");
    assertThat(match.route().timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(table.find("/apps/")).isNull();
    assertThat(table.find("/apps/a%2Fb/")).isNull();
  }

  @Test
  @DisplayName("percent-decoding gives one character per byte, and refuses broken escapes")
  void decoding() {
    assertThat(PercentDecoding.decodePath("/caf%C3%A9%2f")).isEqualTo("/caf\u00c3\u00a9/");
    assertThat(PercentDecoding.decodePath("/plain")).isEqualTo("/plain");
    assertThatThrownBy(() -> PercentDecoding.decodePath("/bad%4")).isInstanceOf(PercentDecoding.Malformed.class);
    assertThatThrownBy(() -> PercentDecoding.decodePath("/bad%g1")).isInstanceOf(PercentDecoding.Malformed.class);
  }
}
