package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.counters.SwitchboardCounters;
import dev.switchboard.listen.BoundListener;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard in a real headless Chromium (Debian's chromium and chromium-driver, which .ci/run installs). */
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
  @DisplayName("the dashboard goes live, its numbers move when traffic flows, and its event list stays capped")
  void numbersMove() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does)");
    Vertx vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)))).build();
    WebDriver driver = null;
    try {
      Map<String, String> keys = Map.of("echo.listeners.0.port", "0", "udp.port", "0", "gateway.port", "0",
          "bridge.port", "0", "instances", "1");
      List<BoundListener> listeners = new Assembly(vertx, ConfigLoader.load(null, new OverrideSource(keys, Map.of(), Map.of())),
          new SwitchboardCounters()).start().await(20, TimeUnit.SECONDS);
      int http = port(listeners, "gateway");
      int udp = port(listeners, "udp");
      int echo = port(listeners, "echo");

      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toString());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--user-data-dir=" + profile, "--window-size=1280,860");
      driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(), options);
      driver.get("http://127.0.0.1:" + http + "/");
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
      wait.until(d -> d.findElement(By.id("status")).getText().equals("live"));
      long httpBefore = number(driver, "http-total");
      long udpBefore = number(driver, "udp-total");
      assertThat(httpBefore).isNotNegative();

      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 20; i++) {
        client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/apps/hello/")).GET().build(),
            HttpResponse.BodyHandlers.discarding());
      }
      try (DatagramSocket datagrams = new DatagramSocket(); Socket tcp = new Socket(InetAddress.getLoopbackAddress(), echo)) {
        for (int i = 0; i < 500; i++) {
          datagrams.send(new DatagramPacket(new byte[16], 16, InetAddress.getLoopbackAddress(), udp));
        }
        tcp.getOutputStream().write('x');
        wait.until(d -> number(d, "http-total") >= httpBefore + 20 && number(d, "udp-total") > udpBefore
            && number(d, "echo-connections") == 1 && !d.findElements(By.cssSelector("#events li")).isEmpty());
      }
      assertThat(driver.findElements(By.cssSelector("#events li")).size()).as("the event list is capped").isLessThanOrEqualTo(50);
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, Path.of("target", "dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
    } finally {
      if (driver != null) {
        driver.quit();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static int port(List<BoundListener> listeners, String service) {
    return listeners.stream().filter(l -> l.service().equals(service)).findFirst().orElseThrow().port();
  }
}
