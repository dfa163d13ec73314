package dev.switchboard.counters;

/** Every service's counters in one process; created by the launcher and handed to each service. */
public final class SwitchboardCounters {

  private final EchoCounters echo = new EchoCounters();
  private final UdpCounters udp = new UdpCounters();
  private final GatewayCounters gateway = new GatewayCounters();
  private final BridgeCounters bridge = new BridgeCounters();

  public EchoCounters echo() {
    return echo;
  }

  public UdpCounters udp() {
    return udp;
  }

  public GatewayCounters gateway() {
    return gateway;
  }

  public BridgeCounters bridge() {
    return bridge;
  }
}
