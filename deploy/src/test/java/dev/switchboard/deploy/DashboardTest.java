package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.listen.BoundListener;
import dev.switchboard.testing.IntegrationTest;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard in a real headless Chromium (Debian's chromium and chromium-driver, which .ci/run installs). */
@IntegrationTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir
  Path profile;

  private static long number(WebDriver driver, String id) {
    String text = driver.findElement(By.id(id)).getText();
    return text.matches("\\d+") ? Long.parseLong(text) : -1;
  }

  @Test
  @DisplayName("the dashboard goes live, its numbers, charts and route table follow the traffic, its event filter hides "
      + "what does not match, and its event list stays capped")
  void numbersMove() throws Exception {
    assumeChromium();
    Vertx vertx = metricsVertx();
    WebDriver driver = null;
    try {
      List<BoundListener> listeners = start(vertx, Map.of());
      int http = port(listeners, "gateway");
      int udp = port(listeners, "udp");
      int echo = port(listeners, "echo");
      driver = browser();
      driver.get("http://127.0.0.1:" + http + "/");
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
      wait.ignoring(StaleElementReferenceException.class);
      wait.until(d -> d.findElement(By.id("status")).getText().equals("live"));
      long httpBefore = number(driver, "http-total");
      long udpBefore = number(driver, "udp-total");
      assertThat(httpBefore).isNotNegative();

      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 20; i++) {
        client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/apps/hello/")).GET().build(),
            HttpResponse.BodyHandlers.discarding());
      }
      for (int i = 0; i < 7; i++) {
        client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/echo"))
            .POST(HttpRequest.BodyPublishers.ofString("ping")).build(), HttpResponse.BodyHandlers.discarding());
      }
      try (DatagramSocket datagrams = new DatagramSocket(); Socket tcp = new Socket(InetAddress.getLoopbackAddress(), echo)) {
        for (int i = 0; i < 500; i++) {
          datagrams.send(new DatagramPacket(new byte[16], 16, InetAddress.getLoopbackAddress(), udp));
        }
        tcp.getOutputStream().write('x');
        wait.until(d -> number(d, "http-total") >= httpBefore + 27 && number(d, "udp-total") > udpBefore
            && number(d, "echo-connections") == 1 && !d.findElements(By.cssSelector("#events li")).isEmpty());

        // The route table counts exactly what was sent to each route (it is redrawn every second: read it in waits).
        wait.until(d -> routeCell(d, "apps", "requests").equals("20") && routeCell(d, "echo", "requests").equals("7")
            && routeCell(d, "apps", "server-errors").equals("0") && routeCell(d, "echo", "p99").endsWith(" ms"));

        // The charts have drawn points, and the load shows in them.
        wait.until(d -> points(d, "requests") > 1 && peak(d, "requests") > 0 && points(d, "latency") > 1
            && points(d, "datagrams") > 1 && peak(d, "datagrams") > 0 && peak(d, "connections") >= 1
            && points(d, "errors") > 1);
        assertThat(driver.findElements(By.cssSelector(".chart.absent"))).as("every service runs here").isEmpty();

        // The event filter: by kind, then by text (the datagrams' source address is in udp rows only). The flood of
        // datagrams may have pushed the first connection's row out of the list: one more of each kind.
        new Socket(InetAddress.getLoopbackAddress(), echo).close();
        datagrams.send(new DatagramPacket(new byte[16], 16, InetAddress.getLoopbackAddress(), udp));
        wait.until(d -> !d.findElements(By.cssSelector("#events li[data-kind=echo]")).isEmpty()
            && !d.findElements(By.cssSelector("#events li[data-kind=udp]")).isEmpty());
        new Select(driver.findElement(By.id("event-kind"))).selectByValue("udp");
        wait.until(d -> visibleKinds(d).equals(Set.of("udp")));
        new Select(driver.findElement(By.id("event-kind"))).selectByValue("");
        driver.findElement(By.id("event-filter")).sendKeys("open #");
        wait.until(d -> visibleKinds(d).equals(Set.of("echo")));
        driver.findElement(By.id("event-filter")).clear();
        driver.findElement(By.id("event-filter")).sendKeys("127.0.0.1:" + datagrams.getLocalPort() + " ");
        wait.until(d -> visibleKinds(d).equals(Set.of("udp")));
        driver.findElement(By.id("event-filter")).clear();
        driver.findElement(By.id("event-filter")).sendKeys(" ");
        wait.until(d -> visibleKinds(d).equals(Set.of("echo", "udp")));
      }
      assertThat(driver.findElements(By.cssSelector("#events li")).size()).as("the event list is capped").isLessThanOrEqualTo(50);
      // The page's own pieces: a ring of five minutes at one sample a second that keeps only the newest, and the
      // percentile of cumulative buckets interpolated within its bucket.
      @SuppressWarnings("unchecked")
      List<Object> checks = (List<Object>) ((JavascriptExecutor) driver).executeScript("""
          const r = new SampleRing(300);
          for (let i = 0; i < 1000; i++) r.push(i);
          const kept = r.toArray();
          const buckets = new Map([[0.001, 0], [0.005, 50], [0.01, 99], [Infinity, 100]]);
          return [ring.slots.length, kept.length, kept[0], kept[299], quantile(0.5, buckets), quantile(0.99, buckets),
              quantile(0.999, buckets), quantile(0.5, new Map())];""");
      assertThat(checks).containsExactly(300L, 300L, 700L, 999L, 0.005, 0.01, 0.01, null);
      // A few more points before the screenshot (docs/dashboard.png is copied from it).
      wait.until(d -> points(d, "requests") >= 5);
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, Path.of("target", "dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
    } finally {
      if (driver != null) {
        driver.quit();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("in a process without the udp, echo and bridge services their charts say so instead of drawing zeros; "
      + "without /metrics where the page looks for it, every chart says so")
  void missingServices() throws Exception {
    assumeChromium();
    Vertx vertx = metricsVertx();
    WebDriver driver = null;
    try {
      int http = port(start(vertx, Map.of("roles", "gateway")), "gateway");
      driver = browser();
      driver.get("http://127.0.0.1:" + http + "/");
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
      wait.until(d -> points(d, "requests") > 1);
      assertThat(driver.findElement(By.cssSelector("#chart-datagrams")).getAttribute("class")).contains("absent");
      assertThat(driver.findElement(By.cssSelector("#chart-datagrams .missing")).getText())
          .isEqualTo("no data: the udp service is not running in this process");
      assertThat(driver.findElement(By.cssSelector("#chart-connections .legend")).getText())
          .contains("echo: not running in this process", "bridge: not running in this process")
          .doesNotContain("gateway: not running");
      assertThat(driver.findElements(By.cssSelector(".chart.absent"))).hasSize(1);

      // A gateway whose /metrics is moved: the page cannot find it, and every chart says so.
      int moved = port(start(vertx, Map.of("roles", "gateway", "gateway.builtinRoutes.metrics", "/_/metrics")), "gateway");
      driver.get("http://127.0.0.1:" + moved + "/");
      wait.until(d -> d.findElements(By.cssSelector(".chart.absent")).size() == 5);
      assertThat(driver.findElement(By.id("status")).getText()).isEqualTo("no metrics: metrics 404");
      assertThat(driver.findElement(By.cssSelector("#chart-latency .missing")).getText())
          .isEqualTo("no data: /metrics did not answer (metrics 404)");
    } finally {
      if (driver != null) {
        driver.quit();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static void assumeChromium() {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does)");
  }

  private static Vertx metricsVertx() {
    return Vertx.builder().with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)))).build();
  }

  private static List<BoundListener> start(Vertx vertx, Map<String, String> more) throws Exception {
    Map<String, String> keys = new HashMap<>(Map.of("echo.listeners.0.port", "0", "udp.port", "0", "gateway.port", "0",
        "bridge.port", "0", "instances", "1"));
    keys.putAll(more);
    return new Assembly(vertx, ConfigLoader.load(null, new OverrideSource(keys, Map.of(), Map.of())),
        Main.meterRegistry(vertx)).start().await(20, TimeUnit.SECONDS);
  }

  private WebDriver browser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--window-size=1280,1040");
    return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(), options);
  }

  private static String routeCell(WebDriver driver, String route, String column) {
    List<WebElement> cells = driver.findElements(By.cssSelector("#routes tr[data-route='" + route + "'] td." + column));
    return cells.isEmpty() ? "" : cells.get(0).getText();
  }

  private static int points(WebDriver driver, String chart) {
    String points = driver.findElement(By.id("chart-" + chart)).getAttribute("data-points");
    return points == null ? 0 : Integer.parseInt(points);
  }

  private static double peak(WebDriver driver, String chart) {
    String peak = driver.findElement(By.id("chart-" + chart)).getAttribute("data-peak");
    return peak == null ? 0 : Double.parseDouble(peak);
  }

  private static Set<String> visibleKinds(WebDriver driver) {
    return driver.findElements(By.cssSelector("#events li")).stream().filter(WebElement::isDisplayed)
        .map(row -> row.getAttribute("data-kind")).collect(Collectors.toSet());
  }

  private static int port(List<BoundListener> listeners, String service) {
    return listeners.stream().filter(l -> l.service().equals(service)).findFirst().orElseThrow().port();
  }
}
