package dev.switchboard.config;

import static dev.switchboard.config.KeyDoc.doc;

import java.time.Duration;
import java.util.List;

/**
 * Clustered mode ({@code cluster.*}, flag {@code --cluster}): one event bus across JVMs through Hazelcast. The defaults
 * bind and join on loopback only (TCP-IP join, multicast off), so trying it on one machine is safe. In Kubernetes,
 * {@code kubernetes.serviceDns} replaces the members list with a DNS lookup of a headless Service.
 *
 * @param enabled           run clustered ({@code enabled}, flag {@code --cluster})
 * @param name              cluster name; only nodes with the same name join ({@code name})
 * @param host              interface Hazelcast binds and announces ({@code host})
 * @param port              first Hazelcast port ({@code port}); the next free one of {@code portCount} is taken
 * @param portCount         ports tried from {@code port} ({@code portCount})
 * @param members           where to look for the cluster, {@code host:port} each ({@code members}); not used when
 *                          {@code kubernetes.serviceDns} is set. Hazelcast keeps only entries on the network of
 *                          {@code host}, so a DNS name resolving to many addresses finds one member at most
 * @param eventBusHost      the clustered event bus's bind address ({@code eventBusHost})
 * @param eventBusPort      its port, 0 for an ephemeral one ({@code eventBusPort})
 * @param publicHost        the address other nodes use to reach this one (NAT, containers); empty = eventBusHost ({@code publicHost})
 * @param publicPort        the port they use; 0 = the real one ({@code publicPort})
 * @param minMembers        start-up waits until the cluster has this many members, and fails when it has not within
 *                          {@code joinTimeout}: a node given wrong members then stops instead of serving alone ({@code minMembers})
 * @param joinTimeout       start-up fails when the node has not joined within this ({@code joinTimeout})
 * @param heartbeatInterval how often members send heartbeats ({@code heartbeatInterval})
 * @param maxNoHeartbeat    a member silent for this long is removed and its consumers forgotten ({@code maxNoHeartbeat})
 * @param drain             on stop, how long the node keeps answering requests already routed to it after telling the
 *                          other members to send new ones elsewhere ({@code drain})
 * @param kubernetes        member discovery through a headless Service's DNS name ({@code kubernetes.*})
 */
public record ClusterConfig(boolean enabled, String name, String host, int port, int portCount, List<String> members,
                            String eventBusHost, int eventBusPort, String publicHost, int publicPort,
                            int minMembers, Duration joinTimeout, Duration heartbeatInterval, Duration maxNoHeartbeat,
                            Duration drain, KubernetesDiscovery kubernetes) {

  public static final String DEFAULT_NAME = "switchboard";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5701;
  public static final int DEFAULT_PORT_COUNT = 10;
  public static final List<String> DEFAULT_MEMBERS = List.of("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703",
      "127.0.0.1:5704", "127.0.0.1:5705");
  public static final Duration DEFAULT_JOIN_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_NO_HEARTBEAT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(3);

  public ClusterConfig {
    members = List.copyOf(members);
  }

  public static ClusterConfig defaults() {
    return new ClusterConfig(false, DEFAULT_NAME, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_PORT_COUNT, DEFAULT_MEMBERS,
        DEFAULT_HOST, 0, "", 0, 1, DEFAULT_JOIN_TIMEOUT, DEFAULT_HEARTBEAT_INTERVAL, DEFAULT_MAX_NO_HEARTBEAT,
        DEFAULT_DRAIN, KubernetesDiscovery.defaults());
  }

  /** Where this node looks for the others, for messages: {@code members [...]} or {@code kubernetes.serviceDns NAME:PORT}. */
  public String discovery() {
    return kubernetes.enabled()
        ? "kubernetes.serviceDns " + kubernetes.serviceDns() + ":" + kubernetesPort()
        : "members " + members;
  }

  /** The Hazelcast port looked up on every address of {@code kubernetes.serviceDns}. */
  public int kubernetesPort() {
    return kubernetes.servicePort() > 0 ? kubernetes.servicePort() : port;
  }

  static ClusterConfig read(ConfigNode node) {
    boolean enabled = node.bool("enabled", false, doc("clustered mode; the flag `--cluster` sets it"));
    String name = node.string("name", DEFAULT_NAME, doc("only nodes with the same name join each other"));
    String host = node.string("host", DEFAULT_HOST, doc("the interface (an IP) Hazelcast binds and announces;"
        + " `hazelcast.socket.bind.any` is off"));
    int port = node.port("port", DEFAULT_PORT, doc("Hazelcast's port: the first free one from `port`"));
    int portCount = node.integer("portCount", DEFAULT_PORT_COUNT, 1, 1000, doc("how many ports from `port` are tried"));
    List<String> members = node.strings("members", DEFAULT_MEMBERS, doc("TCP-IP join list, one `host[:port]` each"
        + " (Hazelcast 5.3 refuses port ranges). Not for Kubernetes: Hazelcast keeps only the entries on the network"
        + " interface of `cluster.host`, so a DNS name that resolves to many pods finds one member at most; use"
        + " `cluster.kubernetes.serviceDns`"));
    for (String member : members) {
      // Hazelcast 5.3 refuses a port range inside one member entry; list each member.
      if (!member.matches("[^\\s:]+(:\\d{1,5})?|\\[[0-9a-fA-F:]+\\](:\\d{1,5})?")) {
        throw node.conflict("members", "'" + member + "' is not host or host:port (list each member, no port ranges)");
      }
    }
    String eventBusHost = node.string("eventBusHost", DEFAULT_HOST, doc("where the clustered event bus listens"));
    int eventBusPort = node.port("eventBusPort", 0, doc("the clustered event bus's port; `0` = an ephemeral port"));
    String publicHost = node.string("publicHost", "",
        doc("what other nodes use to reach this one, behind NAT or in containers"));
    int publicPort = node.port("publicPort", 0, doc("the port that goes with `publicHost`"));
    int minMembers = node.integer("minMembers", 1, 1, 1000, doc("start-up waits for a cluster of at least this many"
        + " members; set it to 2 or more on nodes that must not serve alone"));
    Duration joinTimeout = node.duration("joinTimeout", DEFAULT_JOIN_TIMEOUT, doc("start-up fails (exit 1, one line)"
        + " when the node has not joined, or not found `minMembers`, by then"));
    Duration heartbeat = node.duration("heartbeatInterval", DEFAULT_HEARTBEAT_INTERVAL,
        doc("how often members tell each other they are alive (failure detection, below)"));
    Duration noHeartbeat = node.duration("maxNoHeartbeat", DEFAULT_MAX_NO_HEARTBEAT,
        doc("a member silent this long is removed (at least twice `heartbeatInterval`)"));
    if (heartbeat.toSeconds() < 1 || noHeartbeat.compareTo(heartbeat.multipliedBy(2)) < 0) {
      throw node.conflict("maxNoHeartbeat", "must be at least twice heartbeatInterval, which is at least 1s");
    }
    ClusterConfig config = new ClusterConfig(enabled, name, host, port, portCount, members, eventBusHost, eventBusPort,
        publicHost, publicPort, minMembers, joinTimeout, heartbeat, noHeartbeat,
        node.duration("drain", DEFAULT_DRAIN, doc("on stop, how long the node keeps answering requests already routed"
            + " to it after telling the others to send new ones elsewhere; shorter than `shutdownTimeout`")),
        KubernetesDiscovery.read(node.child("kubernetes", doc("in Kubernetes: find members by a DNS lookup of a"
            + " headless Service instead of `members`"))));
    node.finish();
    return config;
  }
}
