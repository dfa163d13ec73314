import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Baseline: the HTTP hello a Vert.x user writes by hand: a request handler answering {@code Hello, world!}, one
 * instance per core. {@code java -cp deploy/target/switchboard.jar VertxHttpHello.java PORT}.
 */
public class VertxHttpHello extends VerticleBase {

  static int port;
  private static final Buffer HELLO = Buffer.buffer("Hello, world!");

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(request -> request.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(HELLO))
        .listen();
  }

  public static void main(String[] args) {
    port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(VertxHttpHello::new, new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .onSuccess(id -> System.out.println("ready"))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }
}
