package dev.switchboard.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment variables Kubernetes sets in every pod for every Service of its namespace (service links, on unless
 * the pod spec says {@code enableServiceLinks: false}). A Service named {@code switchboard-gateway} gives
 * {@code SWITCHBOARD_GATEWAY_SERVICE_HOST=10.0.0.1}, {@code SWITCHBOARD_GATEWAY_SERVICE_PORT=80},
 * {@code SWITCHBOARD_GATEWAY_PORT=tcp://10.0.0.1:80}, {@code SWITCHBOARD_GATEWAY_PORT_80_TCP=tcp://10.0.0.1:80} and
 * {@code ..._PORT_80_TCP_PROTO}, {@code _PORT}, {@code _ADDR}: names in Switchboard's namespace that are no settings.
 * A variable is taken for one only when its name and its value both have the shape Kubernetes gives them.
 */
final class ServiceLinkVariable {

  private static final String ADDRESS = "[0-9A-Fa-f.:]+";
  private static final String LINK = "(tcp|udp|sctp)://(\\[[0-9A-Fa-f:]+\\]|[0-9.]+):\\d{1,5}";
  private static final String PORT_NUMBER = "\\d{1,5}";
  /** The Service's name in upper snake case, then a suffix, each suffix with the shape of its value. */
  private static final List<Shape> SHAPES = List.of(
      new Shape("(.+)_PORT", LINK),
      new Shape("(.+)_PORT_\\d{1,5}_(TCP|UDP|SCTP)", LINK),
      new Shape("(.+)_PORT_\\d{1,5}_(TCP|UDP|SCTP)_PROTO", "tcp|udp|sctp"),
      new Shape("(.+)_PORT_\\d{1,5}_(TCP|UDP|SCTP)_PORT", PORT_NUMBER),
      new Shape("(.+)_PORT_\\d{1,5}_(TCP|UDP|SCTP)_ADDR", ADDRESS),
      new Shape("(.+)_SERVICE_HOST", ADDRESS),
      new Shape("(.+)_SERVICE_PORT(_[A-Z0-9_]+)?", PORT_NUMBER));

  private record Shape(Pattern name, Pattern value) {
    Shape(String name, String value) {
      this(Pattern.compile(name), Pattern.compile(value));
    }
  }

  private ServiceLinkVariable() {
  }

  /** The Service a variable of any service-link shape was set for, e.g. {@code switchboard-gateway}. */
  static Optional<String> serviceOf(String name, String value) {
    return SHAPES.stream().map(shape -> serviceOf(shape, name, value)).flatMap(Optional::stream).findFirst();
  }

  private static Optional<String> serviceOf(Shape shape, String name, String value) {
    Matcher m = shape.name().matcher(name);
    return m.matches() && shape.value().matcher(value.trim()).matches()
        ? Optional.of(m.group(1).toLowerCase(Locale.ROOT).replace('_', '-')) : Optional.empty();
  }

  /**
   * The Service of {@code NAME_PORT=tcp://ADDRESS:PORT}, the one shape that lands on a configuration key (any key
   * ending in {@code port}, such as {@code gateway.port}); a number there is a setting, not a link.
   */
  static Optional<String> portLinkServiceOf(String name, String value) {
    return serviceOf(SHAPES.get(0), name, value);
  }

  /** The one WARN line for an ignored variable. */
  static String warning(String name, String value, String service) {
    return "ignoring environment variable " + name + "=" + value.trim() + ": Kubernetes sets it for the Service "
        + service + " (a service link), it is no Switchboard setting; set enableServiceLinks: false in the pod spec";
  }
}
