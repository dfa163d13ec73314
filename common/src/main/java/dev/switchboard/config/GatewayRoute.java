package dev.switchboard.config;

import static dev.switchboard.config.KeyDoc.doc;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * An explicit gateway route ({@code gateway.routes[i]}): requests whose path starts with {@code prefix} (on a segment
 * boundary) go to the application at {@code address}.
 *
 * @param prefix       path prefix, e.g. {@code /api}; it becomes SCRIPT_NAME ({@code prefix})
 * @param address      the application's bus address ({@code address})
 * @param methods      allowed methods, upper case; empty allows any ({@code methods})
 * @param timeout      how long the application may take to answer ({@code timeout})
 * @param maxBodyBytes largest request body ({@code maxBodyBytes})
 * @param streamBody   stream the request body to the application with credit instead of sending it in the request
 *                     message ({@code streamBody}); see docs/wsgi-over-bus.md
 * @param retry        the application may process a request twice: one lost with a cluster node that left is sent
 *                     once more, to another node, whatever its method ({@code retry}); GET and HEAD always are
 */
public record GatewayRoute(String prefix, String address, Set<String> methods, Duration timeout, int maxBodyBytes,
                           boolean streamBody, boolean retry) {

  public GatewayRoute {
    methods = methods.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(new TreeSet<>(methods));
  }

  public boolean allows(String method) {
    return methods.isEmpty() || methods.contains(method);
  }

  /** Whether a request lost with its node may be sent again: GET and HEAD, or any method on a {@code retry} route. */
  public boolean retrySafe(String method) {
    return retry || "GET".equals(method) || "HEAD".equals(method);
  }

  static GatewayRoute read(ConfigNode node, Duration defaultTimeout, int defaultMaxBody) {
    String prefix = node.string("prefix", "", doc("path prefix, e.g. `/shop`; it becomes `SCRIPT_NAME`")
        .defaultShownAs("required"));
    if (!prefix.matches("/[A-Za-z0-9._~!$&'()*+,;=:@/-]*") || prefix.endsWith("/") && prefix.length() > 1) {
      throw node.conflict("prefix", "must be a path such as /api (starting with /, no trailing /, no % or ?)");
    }
    String address = node.string("address", "", doc("the application's bus address, e.g. `wsgi.shop`")
        .defaultShownAs("required"));
    if (address.isBlank()) {
      throw node.conflict("address", "required: the application's bus address, e.g. wsgi.shop");
    }
    Set<String> methods = new TreeSet<>();
    for (String method : node.strings("methods", java.util.List.of(),
        doc("the methods it takes, e.g. `[GET, POST]`; others get 405; empty allows any"))) {
      if (!method.matches("[A-Za-z]+")) {
        throw node.conflict("methods", "'" + method + "' is not an HTTP method");
      }
      methods.add(method.toUpperCase(Locale.ROOT));
    }
    GatewayRoute route = new GatewayRoute(prefix, address, methods,
        node.duration("timeout", defaultTimeout, doc("how long its application may take to answer")
            .defaultShownAs("= `gateway.upstreamTimeout`")),
        node.integer("maxBodyBytes", defaultMaxBody, 0, Integer.MAX_VALUE, doc("largest request body")
            .defaultShownAs("= `gateway.maxBodyBytes`")),
        node.bool("streamBody", false, doc("stream the request body to the application with credit"
            + " ([WSGI over the bus](docs/wsgi-over-bus.md))")),
        node.bool("retry", false, doc("a request lost with a cluster node is sent once more whatever its method"
            + " (GET and HEAD always are)")));
    node.finish();
    return route;
  }
}
