package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.listen.BoundListener;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** docs/metrics.md against a real scrape of the jar's Vert.x running every service: the names and label values it lists. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsDocTest {

  private static final Path DOC = Path.of("..", "docs", "metrics.md");
  private static final Pattern NAME = Pattern.compile("`(switchboard_[a-z_]+)(?:\\{([a-z,]+)})?`");
  private static final Pattern SAMPLE = Pattern.compile("^(switchboard_[a-z_]+)(?:\\{([^}]*)})? ", Pattern.MULTILINE);
  private static final Set<String> HISTOGRAM_SUFFIXES = Set.of("_bucket", "_count", "_sum", "_max");
  /** Only a clustered process has these. */
  private static final Set<String> CLUSTERED_ONLY = Set.of("switchboard_cluster_members");

  private Vertx vertx;
  private String scrape;

  @BeforeEach
  void scrape() throws Exception {
    vertx = Vertx.builder().with(Main.vertxOptions()).build();  // the jar's options, metrics as the jar has them
    Map<String, String> keys = Map.of("echo.listeners.0.port", "0", "udp.port", "0", "gateway.port", "0",
        "bridge.port", "0", "instances", "1");
    List<BoundListener> listeners = new Assembly(vertx, ConfigLoader.load(null, new OverrideSource(keys, Map.of(), Map.of())),
        Main.meterRegistry(vertx)).start().await(20, TimeUnit.SECONDS);
    int http = listeners.stream().filter(l -> l.service().equals("gateway")).findFirst().orElseThrow().port();
    int echo = listeners.stream().filter(l -> l.service().equals("echo")).findFirst().orElseThrow().port();
    // Vert.x's net meters appear with a first TCP connection.
    try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), echo)) {
      tcp.setSoTimeout(10_000);  // a read on a socket ignores JUnit's interrupt
      tcp.getOutputStream().write('x');
      assertThat(tcp.getInputStream().read()).isEqualTo('x');
    }
    HttpClient client = HttpClient.newHttpClient();
    // One request first, so that the request-duration histogram has a series.
    client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/health/live")).build(),
        HttpResponse.BodyHandlers.discarding());
    scrape = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("every switchboard_ metric in /metrics is in docs/metrics.md, and every one documented is in /metrics")
  void namesMatch() throws Exception {
    Set<String> documented = new TreeSet<>();
    Matcher names = NAME.matcher(Files.readString(DOC));
    while (names.find()) {
      documented.add(names.group(1));
    }
    documented.removeAll(CLUSTERED_ONLY);
    Set<String> scraped = new TreeSet<>();
    Matcher samples = SAMPLE.matcher(scrape);
    while (samples.find()) {
      scraped.add(withoutHistogramSuffix(samples.group(1), documented));
    }
    assertThat(scraped).isEqualTo(documented);
  }

  @Test
  @DisplayName("the reasons and kinds each row of docs/metrics.md lists are the label values /metrics carries")
  void labelValuesMatch() throws Exception {
    Map<String, Set<String>> documented = new TreeMap<>();
    for (String row : Files.readAllLines(DOC)) {
      String[] cells = row.split("\\|");
      if (cells.length < 4) {
        continue;
      }
      Matcher name = NAME.matcher(cells[1]);
      while (name.find()) {
        if ("reason".equals(name.group(2)) || "kind".equals(name.group(2))) {
          Set<String> values = new TreeSet<>();
          // The values are the backquoted words; config keys (with a dot) are not values.
          Matcher value = Pattern.compile("`([a-z][a-z-]*)`").matcher(cells[3]);
          while (value.find()) {
            values.add(value.group(1));
          }
          documented.put(name.group(1) + "{" + name.group(2) + "}", values);
        }
      }
    }
    assertThat(documented).as("rows found in the doc").hasSizeGreaterThanOrEqualTo(7);
    Map<String, Set<String>> scraped = new TreeMap<>();
    Matcher samples = SAMPLE.matcher(scrape);
    while (samples.find()) {
      for (String label : List.of("reason", "kind")) {
        Matcher value = Pattern.compile(label + "=\"([^\"]*)\"").matcher(samples.group(2) == null ? "" : samples.group(2));
        if (value.find() && documented.containsKey(samples.group(1) + "{" + label + "}")) {
          scraped.computeIfAbsent(samples.group(1) + "{" + label + "}", k -> new TreeSet<>()).add(value.group(1));
        }
      }
    }
    assertThat(scraped).isEqualTo(documented);
  }

  @Test
  @DisplayName("the route labels docs/metrics.md names are those of a gateway without configured routes")
  void routeLabelsMatch() throws Exception {
    String doc = Files.readString(DOC);
    Matcher sentence = Pattern.compile("route labels \\(([^)]*)\\)").matcher(doc);
    assertThat(sentence.find()).isTrue();
    Set<String> documented = new TreeSet<>();
    Matcher label = Pattern.compile("`([a-z-]+)`").matcher(sentence.group(1));
    while (label.find()) {
      documented.add(label.group(1));
    }
    Set<String> scraped = new TreeSet<>();
    Matcher route = Pattern.compile("^switchboard_gateway_responses_total\\{[^}]*route=\"([^\"]*)\"", Pattern.MULTILINE)
        .matcher(scrape);
    while (route.find()) {
      scraped.add(route.group(1));
    }
    assertThat(scraped).isEqualTo(documented);
  }

  @Test
  @DisplayName("Vert.x's net and pool meters and the JVM's are scraped; its per-request HTTP and event-bus meters are off")
  void vertxMetersAsDocumented() {
    assertThat(scrape).containsPattern("(?m)^vertx_net_").containsPattern("(?m)^vertx_pool_").containsPattern("(?m)^jvm_")
        .doesNotContainPattern("(?m)^vertx_http_server_").doesNotContainPattern("(?m)^vertx_eventbus_");
  }

  private static String withoutHistogramSuffix(String name, Set<String> documented) {
    for (String suffix : HISTOGRAM_SUFFIXES) {
      if (name.endsWith(suffix) && documented.contains(name.substring(0, name.length() - suffix.length()))) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }
}
