package dev.switchboard.config;

import static dev.switchboard.config.KeyDoc.doc;

/**
 * Finding the other cluster members in Kubernetes ({@code cluster.kubernetes.*}): Hazelcast's Kubernetes discovery in
 * DNS lookup mode, which resolves a headless Service's name to every pod IP behind it. Off while {@code serviceDns} is
 * empty; then {@code cluster.members} is the TCP-IP join list.
 *
 * @param serviceDns  the headless Service's DNS name, e.g. {@code switchboard-cluster} or
 *                    {@code switchboard-cluster.NAMESPACE.svc.cluster.local}; empty = off ({@code serviceDns})
 * @param servicePort the Hazelcast port on every address it resolves to; 0 = {@code cluster.port} ({@code servicePort})
 */
public record KubernetesDiscovery(String serviceDns, int servicePort) {

  public static KubernetesDiscovery defaults() {
    return new KubernetesDiscovery("", 0);
  }

  /** True when members are found through {@code serviceDns} instead of {@code cluster.members}. */
  public boolean enabled() {
    return !serviceDns.isEmpty();
  }

  static KubernetesDiscovery read(ConfigNode node) {
    String serviceDns = node.string("serviceDns", "", doc("a headless Service's DNS name (`switchboard-cluster`, or"
        + " `switchboard-cluster.NAMESPACE.svc.cluster.local`): members are found by Hazelcast's Kubernetes discovery in"
        + " DNS lookup mode, which tries every address the name resolves to; TCP-IP join and `members` are then off. The"
        + " node still binds and announces `cluster.host` only: in a pod, set it to the pod IP. Environment:"
        + " `SWITCHBOARD_CLUSTER_KUBERNETES_SERVICE_DNS`. Empty = off")).trim();
    if (!serviceDns.isEmpty() && !serviceDns.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
      throw node.conflict("serviceDns", "'" + serviceDns + "' is not a DNS name (no port, no scheme: the port is servicePort)");
    }
    KubernetesDiscovery discovery = new KubernetesDiscovery(serviceDns, node.port("servicePort", 0, doc("the Hazelcast port looked up on every address of `serviceDns`; one port for all,"
        + " so every pod must bind it (`cluster.portCount: 1`); `0` = `cluster.port`")));
    node.finish();
    return discovery;
  }
}
