package dev.switchboard.bus;

/**
 * The UDP service's event-bus contract (documented in {@code docs/bus-contracts.md}).
 *
 * <ul>
 *   <li>{@value #DATAGRAMS}: published {@link DatagramEvent}s, one per datagram received (when publishing is on).</li>
 *   <li>{@value #SEND}: request-reply; a {@link UdpSendRequest} is answered with a {@link UdpSendResult} or failed
 *       with one of {@link FailureCodes}.</li>
 * </ul>
 */
public final class UdpBus {

  public static final String DATAGRAMS = "udp.datagrams";
  public static final String SEND = "udp.send";

  private UdpBus() {
  }
}
