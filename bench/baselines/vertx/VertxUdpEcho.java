import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;

/**
 * Baseline: the UDP echo a Vert.x user writes by hand: one datagram socket answering each packet to its sender.
 * {@code java -cp deploy/target/switchboard.jar VertxUdpEcho.java PORT}.
 */
public class VertxUdpEcho {

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    DatagramSocket socket = vertx.createDatagramSocket();
    socket.handler(packet -> socket.send(packet.data(), packet.sender().port(), packet.sender().host()));
    socket.listen(port, "127.0.0.1")
        .onSuccess(s -> System.out.println("ready"))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }
}
