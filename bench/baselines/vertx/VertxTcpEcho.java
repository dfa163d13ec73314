import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServerOptions;

/**
 * Baseline: the TCP echo a Vert.x user writes by hand: {@code socket.pipeTo(socket)}, one instance per core, default
 * JVM ergonomics. Run with the Switchboard jar on the class path (it holds Vert.x):
 * {@code java -cp deploy/target/switchboard.jar VertxTcpEcho.java PORT}.
 */
public class VertxTcpEcho extends VerticleBase {

  static int port;

  @Override
  public Future<?> start() {
    return vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true))
        .connectHandler(socket -> socket.pipeTo(socket))
        .listen();
  }

  public static void main(String[] args) {
    port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(VertxTcpEcho::new, new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .onSuccess(id -> System.out.println("ready"))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }
}
