package dev.switchboard.gateway.http;

import dev.switchboard.net.CidrAllowList;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a request comes from: the TCP peer, or, when the peer is one of {@code gateway.trustedProxies}, the client it
 * forwards for. Computed once per request ({@link Resolver#assign}) and read by the environ, the rate limiter, the
 * access log and the error log.
 *
 * <p>The address comes from {@code Forwarded} ({@code for=}, RFC 7239), else {@code X-Forwarded-For}, walked from the
 * right skipping trusted hops, as nginx's {@code real_ip_recursive on}: the first untrusted hop is the client (all
 * trusted: the leftmost). A hop reached in that walk that is no address ({@code unknown}, an obfuscated name, garbage)
 * makes the whole header ignored: the peer stays the client, and a DEBUG line says why. Hops left of the client are
 * never read, so what a client prepends cannot spoil the answer. The scheme comes from the chosen {@code Forwarded}
 * element's {@code proto=}, else the rightmost {@code X-Forwarded-Proto}; only {@code http} and {@code https} count.
 *
 * @param host   the client's address as text
 * @param port   the client's port, or -1 when a proxy gave the address without one
 * @param scheme {@code http} or {@code https}, as the client spoke to the first proxy
 */
public record ClientAddress(String host, int port, String scheme) {

  private static final String KEY = "switchboard.client";
  private static final Logger LOG = LoggerFactory.getLogger(ClientAddress.class);
  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+");

  /** The client of a request that went through {@link Resolver#assign}. */
  public static ClientAddress of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  /** Resolves clients against one list of trusted proxies. */
  public static final class Resolver {

    private final CidrAllowList trusted;
    private final boolean none;

    public Resolver(CidrAllowList trusted) {
      this.trusted = trusted;
      this.none = trusted.isEmpty();
    }

    /** A handler: stores the request's client on the context (once, even when the request is rerouted). */
    public void assign(RoutingContext ctx) {
      if (ctx.get(KEY) == null) {
        ctx.put(KEY, resolve(ctx.request(), RequestIds.of(ctx)));
      }
      ctx.next();
    }

    public ClientAddress resolve(HttpServerRequest request, String requestId) {
      // Asked of the connection: Vert.x Web's request wrapper would run its own forwarded-header parser for each.
      HttpConnection connection = request.connection();
      SocketAddress peer = connection.remoteAddress();
      String scheme = connection.isSsl() ? "https" : "http";
      String peerHost = peer == null ? null : peer.hostAddress();
      if (peerHost == null) {
        return new ClientAddress("-", -1, scheme);
      }
      ClientAddress direct = new ClientAddress(peerHost, peer.port(), scheme);
      if (none || !isTrusted(peerHost)) {
        return direct;
      }
      String forwarded = joined(request, "Forwarded");
      Hop hop = forwarded != null ? fromForwarded(forwarded) : fromForwardedFor(joined(request, "X-Forwarded-For"));
      if (hop == Hop.MALFORMED) {
        LOG.debug("request {}: ignoring {} from trusted proxy {}: {}", requestId,
            forwarded != null ? "Forwarded" : "X-Forwarded-For", peerHost,
            forwarded != null ? forwarded : joined(request, "X-Forwarded-For"));
        return direct;
      }
      String proto = hop != null && hop.proto() != null ? hop.proto() : lastProto(request, requestId, peerHost);
      String clientScheme = proto != null ? proto : scheme;
      return hop == null ? new ClientAddress(direct.host(), direct.port(), clientScheme)
          : new ClientAddress(hop.host(), hop.port(), clientScheme);
    }

    private boolean isTrusted(String host) {
      InetAddress address = literal(host);
      return address != null && trusted.allows(address);
    }

    /** Right to left over the hops; null when there are none. */
    private Hop walk(List<String> hops, Function<String, Hop> parse) {
      Hop chosen = null;
      for (int i = hops.size() - 1; i >= 0; i--) {
        chosen = parse.apply(hops.get(i));
        if (chosen == Hop.MALFORMED || !isTrusted(chosen.host())) {
          return chosen;
        }
      }
      return chosen;
    }

    private Hop fromForwardedFor(String header) {
      return header == null ? null : walk(List.of(header.split(",", -1)), text -> address(text.trim(), null));
    }

    private Hop fromForwarded(String header) {
      return walk(forwardedElements(header), Resolver::forwardedElement);
    }

    private String lastProto(HttpServerRequest request, String requestId, String peer) {
      String header = joined(request, "X-Forwarded-Proto");
      if (header == null) {
        return null;
      }
      String proto = scheme(header.substring(header.lastIndexOf(',') + 1).trim());
      if (proto == null) {
        LOG.debug("request {}: ignoring X-Forwarded-Proto from trusted proxy {}: {}", requestId, peer, header);
      }
      return proto;
    }

    private static String joined(HttpServerRequest request, String name) {
      List<String> values = request.headers().getAll(name);
      return values.isEmpty() ? null : String.join(",", values);
    }

    /** Splits at commas outside quoted strings. */
    private static List<String> forwardedElements(String header) {
      List<String> elements = new ArrayList<>();
      boolean quoted = false;
      int start = 0;
      for (int i = 0; i < header.length(); i++) {
        char c = header.charAt(i);
        if (c == '"') {
          quoted = !quoted;
        } else if (c == '\\' && quoted) {
          i++;
        } else if (c == ',' && !quoted) {
          elements.add(header.substring(start, i));
          start = i + 1;
        }
      }
      elements.add(header.substring(start));
      return elements;
    }

    /** {@code for=...;proto=...;by=...}: the for= address and the proto, or MALFORMED. */
    private static Hop forwardedElement(String element) {
      String forValue = null;
      String proto = null;
      for (String pair : element.split(";")) {
        int eq = pair.indexOf('=');
        if (eq < 0) {
          return Hop.MALFORMED;
        }
        String name = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String value = unquote(pair.substring(eq + 1).trim());
        if (name.equals("for")) {
          forValue = value;
        } else if (name.equals("proto")) {
          proto = scheme(value);
          if (proto == null) {
            return Hop.MALFORMED;
          }
        }
      }
      return forValue == null ? Hop.MALFORMED : address(forValue, proto);
    }

    private static String unquote(String value) {
      return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
          ? value.substring(1, value.length() - 1) : value;
    }

    private static String scheme(String value) {
      String lower = value.toLowerCase(Locale.ROOT);
      return lower.equals("http") || lower.equals("https") ? lower : null;
    }

    /** {@code 1.2.3.4}, {@code 1.2.3.4:80}, {@code 2001:db8::1}, {@code [2001:db8::1]}, {@code [2001:db8::1]:80}. */
    private static Hop address(String text, String proto) {
      String host = text;
      String port = null;
      if (text.startsWith("[")) {
        int close = text.indexOf(']');
        if (close < 0 || close + 1 < text.length() && text.charAt(close + 1) != ':') {
          return Hop.MALFORMED;
        }
        host = text.substring(1, close);
        port = close + 1 < text.length() ? text.substring(close + 2) : null;
        if (!host.contains(":")) {
          return Hop.MALFORMED;
        }
      } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
        host = text.substring(0, text.indexOf(':'));
        port = text.substring(text.indexOf(':') + 1);
      }
      InetAddress address = literal(host);
      if (address == null || port != null && !port.matches("\\d{1,5}") || port != null && Integer.parseInt(port) > 65535) {
        return Hop.MALFORMED;
      }
      return new Hop(address.getHostAddress(), port == null ? -1 : Integer.parseInt(port), proto);
    }

    /** A literal IPv4 or IPv6 address, never a name: no DNS on the request path. */
    private static InetAddress literal(String host) {
      boolean v4 = IPV4.matcher(host).matches();
      if (!v4 && !(host.contains(":") && IPV6.matcher(host).matches())) {
        return null;
      }
      try {
        return InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        return null;
      }
    }
  }

  /** One hop of a forwarding header. */
  private record Hop(String host, int port, String proto) {
    static final Hop MALFORMED = new Hop("", -1, null);
  }
}
