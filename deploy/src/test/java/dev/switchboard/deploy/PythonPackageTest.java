package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.ChildProcess;
import dev.switchboard.testing.IntegrationTest;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python package as a user gets it: {@code pip install ./clients/python} into a fresh venv, offline (no index),
 * then the installed console scripts against a real gateway and bridge (with a token), run from a directory that holds
 * only the application, as a user's project would.
 */
@IntegrationTest
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PythonPackageTest {

  private static final Path PYTHON_CLIENT = Path.of("..", "clients", "python").toAbsolutePath().normalize();
  private static final Path VENV = Path.of("target", "python-venv").toAbsolutePath();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TOKEN = "s3cret-token";

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Process> adapters = new ArrayList<>();
  private Vertx vertx;
  private int http;
  private int bridge;
  @TempDir
  Path project;

  @BeforeAll
  static void install() throws Exception {
    deleteRecursively(VENV);
    // --system-site-packages: Flask, where the system has it (Debian's python3-flask), is visible to the venv.
    run(List.of("python3", "-m", "venv", "--system-site-packages", VENV.toString()), null, 120);
    String out = run(List.of(VENV.resolve("bin/pip").toString(), "install", "--no-index", "--disable-pip-version-check",
        PYTHON_CLIENT.toString()), null, 120);
    assertThat(out).contains("Successfully installed switchboard-client-0.1.0");
  }

  @AfterAll
  static void uninstall() throws IOException {
    deleteRecursively(VENV);
  }

  private static String run(List<String> command, Path directory, int seconds) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    ChildProcess.Finished finished = ChildProcess.run(builder, Duration.ofSeconds(seconds));
    assertThat(finished.exitValue()).as("exit status of %s:%n%s", command, finished.output()).isZero();
    return finished.output();
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (Files.exists(path)) {
      try (var walk = Files.walk(path)) {
        walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @BeforeEach
  void start() throws Exception {
    http = freePort();
    bridge = freePort();
    vertx = Vertx.vertx();
    Map<String, String> keys = Map.of("roles", "echo,gateway,bridge", "instances", "1", "echo.listeners.0.port", "0",
        "gateway.port", String.valueOf(http), "bridge.port", String.valueOf(bridge), "bridge.token", TOKEN);
    new Assembly(vertx, ConfigLoader.load(null, new OverrideSource(keys, Map.of(), Map.of())), Main.meterRegistry(vertx))
        .start().await(20, TimeUnit.SECONDS);
    Files.writeString(project.resolve("token"), TOKEN + "\n");
  }

  @AfterEach
  void stop() throws Exception {
    for (Process adapter : adapters) {
      adapter.destroy();
      adapter.waitFor(20, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** The installed switchboard-wsgi, run in the project directory, logging to target/python-pkg-NAME.log. */
  private Process serve(String spec, String name, String... options) throws IOException {
    List<String> command = new ArrayList<>(List.of(VENV.resolve("bin/switchboard-wsgi").toString(), spec,
        "--name", name, "--bridge", "127.0.0.1:" + bridge));
    command.addAll(List.of(options));
    Process process = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
        .redirectOutput(Path.of("target", "python-pkg-" + name + ".log").toFile()).start();
    adapters.add(process);
    return process;
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + path))
        .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private void awaitBody(String path, String body) throws InterruptedException {
    Await.condition(path + " to answer " + body, WAIT, () -> {
      try {
        HttpResponse<String> response = get(path);
        return response.statusCode() == 200 && response.body().equals(body);
      } catch (Exception e) {
        return false;
      }
    });
  }

  @Test
  @DisplayName("pip install ./clients/python offline, then switchboard-wsgi --help and a module:app served through the gateway")
  void installedAdapterServes() throws Exception {
    assertThat(run(List.of(VENV.resolve("bin/switchboard-wsgi").toString(), "--help"), project, 30))
        .startsWith("usage: switchboard-wsgi").contains("--token-file");
    Files.copy(PYTHON_CLIENT.resolve("tests/apps.py"), project.resolve("apps.py"));
    serve("apps:application", "pkg", "--token-file", project.resolve("token").toString());
    awaitBody("/apps/pkg/ping", "pong");
    // The installed package, not the source tree: nothing named switchboard lies in the project directory.
    assertThat(Files.list(project).map(p -> p.getFileName().toString())).doesNotContain("switchboard");
  }

  @Test
  @DisplayName("a Flask application from a factory with literal arguments, served by the installed switchboard-wsgi")
  void flask() throws Exception {
    assumeTrue(ChildProcess.run(WAIT, VENV.resolve("bin/python").toString(), "-c", "import flask").exitValue() == 0,
        "Flask is not installed for python3 (Debian: apt-get install python3-flask)");
    Files.writeString(project.resolve("flaskapp.py"), """
        from flask import Flask, request

        def create_app(greeting, shout=False):
            app = Flask(__name__)

            @app.route("/hello/<name>")
            def hello(name):
                text = "%s, %s! x=%s root=%s" % (greeting, name, request.args.get("x"), request.script_root)
                return text.upper() if shout else text

            return app
        """);
    serve("flaskapp:create_app('Hi', shout=False)", "flask", "--token-file", project.resolve("token").toString());
    awaitBody("/apps/flask/hello/bob?x=1", "Hi, bob! x=1 root=/apps/flask");
    assertThat(get("/apps/flask/nothing").statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("a wrong token fails the installed switchboard-wsgi's start-up with one line and exit status 5")
  void wrongToken() throws Exception {
    Files.copy(PYTHON_CLIENT.resolve("tests/apps.py"), project.resolve("apps.py"));
    ProcessBuilder builder = new ProcessBuilder(VENV.resolve("bin/switchboard-wsgi").toString(), "apps:application",
        "--name", "bad", "--bridge", "127.0.0.1:" + bridge).directory(project.toFile());
    builder.environment().put("SWITCHBOARD_TOKEN", "not-the-token");
    ChildProcess.Finished finished = ChildProcess.run(builder, Duration.ofSeconds(60));
    assertThat(finished.exitValue()).isEqualTo(5);
    String out = finished.output();
    assertThat(out.strip().lines().reduce((a, b) -> b).orElse(""))
        .isEqualTo("switchboard-wsgi: the bridge at 127.0.0.1:" + bridge + " refused to register wsgi.bad: invalid_token");
    assertThat(out).doesNotContain("Traceback").doesNotContain("serving");
  }

  @Test
  @DisplayName("the installed switchboard-bus requests echo.request through the bridge with the token from the environment")
  void busCommand() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(VENV.resolve("bin/switchboard-bus").toString(), "request",
        "echo.request", "{\"hello\":\"bus\"}", "--bridge", "127.0.0.1:" + bridge).directory(project.toFile());
    builder.environment().put("SWITCHBOARD_TOKEN", TOKEN);
    ChildProcess.Finished finished = ChildProcess.run(builder, WAIT);
    assertThat(finished.output()).isEqualTo("{\"hello\": \"bus\"}\n");
    assertThat(finished.exitValue()).isZero();
  }

  @Test
  @DisplayName("switchboard-bus listen on an address outside the allow-list ends with the bridge's refusal, exit status 5")
  void busRefused() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(VENV.resolve("bin/switchboard-bus").toString(), "listen",
        "secret.admin", "--bridge", "127.0.0.1:" + bridge).directory(project.toFile());
    builder.environment().put("SWITCHBOARD_TOKEN", TOKEN);
    // The bridge acts on a connection's frames in order: the register's refusal comes before the pong of the ping
    // that follows it (or even before that ping is sent), so the command knows and ends instead of listening to
    // nothing.
    ChildProcess.Finished finished = ChildProcess.run(builder, WAIT);
    assertThat(finished.output()).isEqualTo("switchboard-bus: refused by the bridge: blocked by bridgeEvent handler\n");
    assertThat(finished.exitValue()).isEqualTo(5);
  }
}
