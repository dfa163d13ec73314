package dev.switchboard.bus;

/**
 * The echo service's event-bus contract (documented in {@code docs/bus-contracts.md}).
 *
 * <ul>
 *   <li>{@value #REQUEST}: request-reply; the reply carries the request's body unchanged (any body type: string,
 *       buffer, JSON).</li>
 *   <li>{@value #EVENTS}: published {@link ConnectionEvent}s, one when a TCP connection opens and one when it closes.</li>
 * </ul>
 */
public final class EchoBus {

  public static final String REQUEST = "echo.request";
  public static final String EVENTS = "echo.events";

  private EchoBus() {
  }
}
