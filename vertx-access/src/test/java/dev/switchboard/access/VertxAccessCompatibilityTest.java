package dev.switchboard.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.DistributedObject;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One test per access to Vert.x internals, each named for it: after a Vert.x upgrade, the tests that fail say which
 * accesses to look at (docs/vertx-access.md).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VertxAccessCompatibilityTest {

  private static final long WAIT_S = 10;

  private final Vertx vertx = Vertx.vertx();
  private final NetClient netClient = vertx.createNetClient();
  private final HttpClient httpClient = vertx.createHttpClient();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(WAIT_S, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(WAIT_S, TimeUnit.SECONDS);
  }

  /** A server on an ephemeral loopback port whose connections go to {@code accepted}. */
  private NetServer listen(NetServerOptions options, Handler<NetSocket> accepted) throws Exception {
    return await(vertx.createNetServer(options).connectHandler(accepted).listen(0, "127.0.0.1"));
  }

  @Test
  @DisplayName("NettyChannels.handlerOf(NetSocket): Vert.x's handler, last in the pipeline; a handler put before it "
      + "sees the bytes first; closing through it closes the connection")
  void netSocketHandler() throws Exception {
    AtomicInteger bytesSeen = new AtomicInteger();
    Promise<Void> checked = Promise.promise();
    Promise<Buffer> received = Promise.promise();
    NetServer server = listen(new NetServerOptions(), checking(checked, socket -> {
      ChannelHandlerContext handler = NettyChannels.handlerOf(socket);
      assertThat(handler.pipeline().last()).isSameAs(handler.handler());
      handler.pipeline().addBefore(handler.name(), "probe", new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          bytesSeen.addAndGet(((ByteBuf) msg).readableBytes());
          ctx.fireChannelRead(msg);
        }
      });
      socket.handler(data -> {
        received.tryComplete(data);
        handler.close();
      });
    }));
    NetSocket client = await(netClient.connect(server.actualPort(), "127.0.0.1"));
    await(checked.future());
    Promise<Void> closed = Promise.promise();
    client.closeHandler(closed::tryComplete);
    client.write("ping");
    assertThat(await(received.future()).toString()).isEqualTo("ping");
    assertThat(bytesSeen.get()).isEqualTo(4);
    await(closed.future());
  }

  /**
   * {@code handler}, failing {@code checked} with what it throws, or completing it: an assertion that fails on the
   * event loop is reported, not left to a timeout.
   */
  private static <T> Handler<T> checking(Promise<Void> checked, Handler<T> handler) {
    return value -> {
      try {
        handler.handle(value);
        checked.tryComplete();
      } catch (Throwable e) {
        checked.tryFail(e);
        throw e;
      }
    };
  }

  @Test
  @DisplayName("SocketEvents.listen and isShutdown: the client's half-close arrives as Netty's "
      + "ChannelInputShutdownEvent, a server's graceful shutdown as Vert.x's shutdown event")
  void socketEvents() throws Exception {
    Queue<Object> events = new ConcurrentLinkedQueue<>();
    Promise<NetSocket> accepted = Promise.promise();
    Promise<Void> halfClosed = Promise.promise();
    Promise<Void> shutdown = Promise.promise();
    NetServer server = listen(new NetServerOptions(), socket -> {
      NettyChannels.handlerOf(socket).channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
      SocketEvents.listen(socket, event -> {
        events.add(event);
        if (event == ChannelInputShutdownEvent.INSTANCE) {
          halfClosed.tryComplete();
        } else if (SocketEvents.isShutdown(event)) {
          shutdown.tryComplete();
          socket.close();
        }
        ReferenceCountUtil.release(event);
      });
      accepted.complete(socket);
    });
    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.actualPort())) {
      await(accepted.future());
      client.shutdownOutput();
      await(halfClosed.future());
      Future<Void> serverShutdown = server.shutdown(WAIT_S, TimeUnit.SECONDS);
      await(shutdown.future());
      await(serverShutdown);
    }
    assertThat(events).filteredOn(event -> event == ChannelInputShutdownEvent.INSTANCE || SocketEvents.isShutdown(event))
        .hasSize(2);
  }

  @Test
  @DisplayName("NettyChannels.handlerOf(HttpConnection) and Http1Pipeline: Vert.x's HTTP/1.x decoder is found by name, "
      + "an inspecting one takes its place and sees each head; with h2c on, the upgrade handler is found")
  void http1Pipeline() throws Exception {
    Queue<String> inspected = new ConcurrentLinkedQueue<>();
    AtomicInteger consumed = new AtomicInteger();
    HttpServerOptions options = new HttpServerOptions().setHttp2ClearTextEnabled(false);
    Promise<Void> checked = Promise.promise();
    HttpServer server = vertx.createHttpServer(options)
        .connectionHandler(checking(checked, connection -> {
          ChannelHandlerContext handler = NettyChannels.handlerOf(connection);
          assertThat(handler.pipeline().last()).isSameAs(handler.handler());
          assertThat(Http1Pipeline.hasVertxDecoder(handler.pipeline())).isTrue();
          assertThat(Http1Pipeline.mayUpgradeToH2c(handler.pipeline())).isFalse();
          Http1Pipeline.inspectDecoding(handler.pipeline(), options, (buffer, from, out, firstNew) -> {
            consumed.addAndGet(buffer.readerIndex() - from);
            for (Object message : out.subList(firstNew, out.size())) {
              if (message instanceof HttpRequest request) {
                inspected.add(request.uri());
              }
            }
          });
          assertThat(handler.pipeline().context(Http1Pipeline.DECODER)).isNotNull();
          assertThat(Http1Pipeline.hasVertxDecoder(handler.pipeline())).as("still Vert.x's decoder").isTrue();
        }))
        .requestHandler(request -> request.response().end("ok"));
    int port = await(server.listen(0, "127.0.0.1")).actualPort();
    Future<Buffer> body = httpClient.request(HttpMethod.GET, port, "127.0.0.1", "/probe")
        .compose(request -> request.send())
        .compose(response -> response.statusCode() == 200 ? response.body() : Future.failedFuture(
            "status " + response.statusCode()));
    await(checked.future());
    assertThat(await(body).toString()).isEqualTo("ok");
    assertThat(inspected).containsExactly("/probe");
    assertThat(consumed.get()).isPositive();

    Promise<Boolean> upgradable = Promise.promise();
    HttpServer h2c = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
        .connectionHandler(connection -> {
          ChannelHandlerContext handler = NettyChannels.handlerOf(connection);
          upgradable.tryComplete(Http1Pipeline.hasVertxDecoder(handler.pipeline())
              && Http1Pipeline.mayUpgradeToH2c(handler.pipeline()));
        })
        .requestHandler(request -> request.response().end());
    int h2cPort = await(h2c.listen(0, "127.0.0.1")).actualPort();
    await(httpClient.request(HttpMethod.GET, h2cPort, "127.0.0.1", "/").compose(request -> request.send()));
    assertThat(await(upgradable.future())).as("decoder and h2c upgrade handler found").isTrue();
  }

  @Test
  @DisplayName("NettyChannels.channelOf(DatagramSocket): the socket's own Netty channel, bound where the socket is")
  void datagramChannel() throws Exception {
    DatagramSocket socket = vertx.createDatagramSocket();
    DatagramChannel channel = NettyChannels.channelOf(socket);
    await(socket.listen(0, "127.0.0.1"));
    assertThat(channel.localAddress().getPort()).isEqualTo(socket.localAddress().port());
    await(socket.close());
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  @DisplayName("TcpBridgeProtocol.of(TcpEventBusBridge): the bridge's protocol serves a socket of our own server, "
      + "its bridgeEvent hook included")
  void tcpBridgeProtocol() throws Exception {
    Queue<BridgeEventType> hooked = new ConcurrentLinkedQueue<>();
    TcpEventBusBridge bridge = TcpEventBusBridge.create(vertx, new BridgeOptions(), new NetServerOptions(), event -> {
      hooked.add(event.type());
      event.complete(true);
    });
    NetServer server = listen(new NetServerOptions(), TcpBridgeProtocol.of(bridge));
    NetSocket client = await(netClient.connect(server.actualPort(), "127.0.0.1"));
    Promise<JsonObject> frame = Promise.promise();
    Buffer received = Buffer.buffer();
    client.handler(data -> {
      received.appendBuffer(data);
      if (received.length() >= 4 && received.length() >= 4 + received.getInt(0)) {
        frame.tryComplete(new JsonObject(received.slice(4, 4 + received.getInt(0))));
      }
    });
    byte[] ping = new JsonObject().put("type", "ping").encode().getBytes(StandardCharsets.UTF_8);
    client.write(Buffer.buffer().appendInt(ping.length).appendBytes(ping));
    assertThat(await(frame.future())).isEqualTo(new JsonObject().put("type", "pong"));
    assertThat(hooked).containsExactly(BridgeEventType.SOCKET_PING);
    await(client.close());
  }

  @Test
  @DisplayName("BusInternals.REPLY_ADDRESS_PREFIX: the reply address of a request starts with it")
  void replyAddressPrefix() throws Exception {
    Promise<String> replyAddress = Promise.promise();
    await(vertx.eventBus().<String>consumer("probe", message -> {
      replyAddress.tryComplete(message.replyAddress());
      message.reply("ok");
    }).completion());
    await(vertx.eventBus().request("probe", "hello"));
    assertThat(await(replyAddress.future())).startsWith(BusInternals.REPLY_ADDRESS_PREFIX);
  }

  @Test
  @DisplayName("EventLoopContext: a context on an event loop; its timers and tasks run on it, whoever sets them")
  void eventLoopContext() throws Exception {
    EventLoopContext context = EventLoopContext.create(vertx);
    Promise<Context> timer = Promise.promise();
    Promise<Context> task = Promise.promise();
    context.setTimer(1, id -> timer.complete(onEventLoop()));
    context.runOnContext(v -> task.complete(onEventLoop()));
    Context timerContext = await(timer.future());
    assertThat(timerContext).isNotNull().isSameAs(await(task.future()));
    assertThat(timerContext.isEventLoopContext()).isTrue();
  }

  private static Context onEventLoop() {
    return Context.isOnEventLoopThread() ? Vertx.currentContext() : null;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  @DisplayName("ClusterBootstrap, ClusterRoundRobin and ClusterStructures: a one-member cluster sends where the "
      + "choice says, a round robin over the cluster manager finds the consumer, and Vert.x keeps its state in the "
      + "Hazelcast structures of those names")
  void cluster() throws Exception {
    int port = freePort();
    Config hazelcast = new Config().setClusterName("vertx-access-" + UUID.randomUUID());
    hazelcast.setProperty("hazelcast.logging.type", "slf4j");
    hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
    hazelcast.setProperty("hazelcast.shutdownhook.enabled", "false");
    hazelcast.setProperty("hazelcast.wait.seconds.before.join", "0");
    hazelcast.getNetworkConfig().setPort(port).setPortAutoIncrement(false)
        .getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    hazelcast.setProperty("hazelcast.socket.bind.any", "false");
    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(List.of("127.0.0.1:" + port));
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast);
    VertxOptions options = new VertxOptions().setHAEnabled(true);
    options.getEventBusOptions().setHost("127.0.0.1").setPort(0);

    ClusterRoundRobin roundRobin = new ClusterRoundRobin();
    Queue<String> chosen = new ConcurrentLinkedQueue<>();
    Vertx clustered = await(ClusterBootstrap.start(options, manager, roundRobin, (address, promise) ->
        roundRobin.next(address, (node, failure) -> {
          chosen.add(address + " -> " + node);
          promise.complete(node, failure);
        })));
    try {
      await(clustered.eventBus().<String>consumer("probe", message -> message.reply("ok")).completion());
      Message<Object> reply = await(clustered.eventBus().request("probe", "hello"));
      assertThat(reply.body()).isEqualTo("ok");
      assertThat(chosen).containsExactly("probe -> " + manager.getNodeId());
      Promise<String> overManager = Promise.promise();
      ClusterRoundRobin.over(manager).next("probe", overManager);
      assertThat(await(overManager.future())).as("ClusterRoundRobin.over").isEqualTo(manager.getNodeId());
      assertThat(manager.getHazelcastInstance().getDistributedObjects().stream().map(DistributedObject::getName)
          .collect(Collectors.toSet()))
          .contains(ClusterStructures.SUBSCRIPTIONS, ClusterStructures.HA_INFO, ClusterStructures.NODE_INFO);
    } finally {
      await(clustered.close());
    }
  }

  @Test
  @DisplayName("an access given what is not Vert.x's own implementation fails naming itself")
  void failureNamesTheAccess() {
    NetSocket foreignSocket = foreign(NetSocket.class);
    assertThatThrownBy(() -> NettyChannels.handlerOf(foreignSocket)).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Vert.x internals changed, NettyChannels.handlerOf(NetSocket) no longer works: ")
        .hasMessageEndingWith(" is not a NetSocketInternal (see docs/vertx-access.md)");
    DatagramSocket foreignDatagrams = foreign(DatagramSocket.class);
    assertThatThrownBy(() -> NettyChannels.channelOf(foreignDatagrams))
        .hasMessageContaining("NettyChannels.channelOf(DatagramSocket) no longer works: ")
        .hasMessageContaining("has no field 'channel' holding a Netty DatagramChannel");
  }

  /** An implementation of {@code type} that is not Vert.x's, and does nothing. */
  private static <T> T foreign(Class<T> type) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> null));
  }
}
