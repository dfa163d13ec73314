package dev.switchboard.deploy.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * HTTP/1.1 to the gateway: valid requests, byte mutations of them, raw bytes, and the request-level attacks HTTP
 * parsers get wrong (smuggling, obs-fold, bad versions, Host, dot segments, oversized line and headers). Some inputs
 * carry the answer RFC 9112 requires (a {@code rule}); any 5xx for client input is a violation.
 */
final class HttpFuzzer implements ListenerFuzzer {

  static final TcpExchange.Limits LIMITS = new TcpExchange.Limits(400, 150, 2000, 1 << 20);
  /** A valid request is given longer to be answered (a loaded CI machine) before its silence counts. */
  static final TcpExchange.Limits VALID_LIMITS = new TcpExchange.Limits(1000, 300, 3000, 1 << 20);
  private static final String NO_APP = "no application at";

  /** The first corpus entries are requests every HTTP/1.1 server must answer without error (404 for /nowhere). */
  private static final int VALID_ENTRIES = 9;
  private final int port;
  private final List<byte[]> corpus = new ArrayList<>();

  HttpFuzzer(int port) {
    this.port = port;
    String host = "Host: 127.0.0.1:" + port + "\r\n";
    corpus.add(ascii("GET /apps/hello/ HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n"));
    corpus.add(ascii("POST /apps/echo/some/path?q=1&r=%20 HTTP/1.1\r\n" + host + "Content-Type: text/plain\r\n"
        + "Content-Length: 7\r\nX-Trace: t1\r\nConnection: close\r\n\r\npayload"));
    corpus.add(ascii("POST /echo HTTP/1.1\r\n" + host + "Content-Type: application/octet-stream\r\nContent-Length: 5\r\n"
        + "Connection: close\r\n\r\nbytes"));
    corpus.add(ascii("POST /apps/echo/c HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + "4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n"));
    corpus.add(ascii("GET /health/live HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n"));
    corpus.add(ascii("GET /nowhere HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n"));
    corpus.add(ascii("GET /apps/hello/x HTTP/1.0\r\n\r\n"));
    corpus.add(ascii("GET /apps/hello/ HTTP/1.1\r\n" + host + "\r\nHEAD /apps/hello/ HTTP/1.1\r\n" + host
        + "Connection: close\r\n\r\n"));
    corpus.add(ascii("GET /apps/hello/ HTTP/1.1\r\n" + host + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
        + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n"));
    corpus.add(ascii("OPTIONS * HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n"));
    corpus.add(ascii("DELETE /apps/echo/%2e%2e/x?%00=%ff HTTP/1.1\r\n" + host + "Cookie: a=b; c=d\r\nConnection: close\r\n\r\n"));
  }

  @Override
  public String name() {
    return "http1";
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public FuzzInput generate(Random random) {
    int pick = random.nextInt(100);
    FuzzInput input;
    if (pick < 8) {
      int i = random.nextInt(VALID_ENTRIES);
      input = FuzzInput.of("valid#" + i, corpus.get(i)).validInput();
    } else if (pick < 45) {
      int i = random.nextInt(corpus.size());
      Mutator.Mutated m = Mutator.mutate(random, corpus.get(i), corpus);
      input = FuzzInput.of("mutated#" + i + ":" + m.names(), m.data());
    } else if (pick < 50) {
      byte[] junk = new byte[random.nextInt(2048)];
      random.nextBytes(junk);
      input = FuzzInput.of("raw-bytes", junk);
    } else {
      input = attack(random);
    }
    if (random.nextInt(4) == 0) {
      input = input.withPieces(2 + random.nextInt(12));
    }
    if (random.nextInt(25) == 0) {
      input = input.withReset(random.nextInt(input.data().length + 1)).withRule(null);
    }
    return input;
  }

  /** A request built to break one rule of RFC 9112 / 9110, with the answer the RFC requires where it is clear-cut. */
  private FuzzInput attack(Random random) {
    String host = "127.0.0.1:" + port;
    String end = "Connection: close\r\n\r\n";
    switch (random.nextInt(12)) {
      case 0: { // CL.TE and TE.CL: RFC 9112 6.3: a message with both may be refused (400) and must then close
        String te = Mutator.pick(random, "chunked", " chunked", "chunked ", "Chunked", "chunked, identity", "identity, chunked",
            "xchunked", "chunked\u000b", "chu\tnked");
        // Processed by Transfer-Encoding, the GET is a second request, which must not be answered: the server MUST close
        // after responding (RFC 9112 6.1); processed by Content-Length, "ET ..." is a bad request. An unknown coding: 501.
        return FuzzInput.of("smuggle:cl+te", ascii("POST /apps/echo/ HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 6\r\n"
            + "Transfer-Encoding: " + te + "\r\n\r\n0\r\n\r\nGET /apps/hello/ HTTP/1.1\r\nHost: " + host + "\r\n" + end))
            .withRule("one-then-close");
      }
      case 1: { // two different Content-Length values: 400 (RFC 9112 6.3 item 5)
        return FuzzInput.of("smuggle:cl+cl", ascii("POST /apps/echo/ HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 3\r\n"
            + "Content-Length: " + Mutator.pick(random, "30", "0", "3, 4", "-3", "+3", "3 3") + "\r\n" + end + "abc")).withRule("400");
      }
      case 2: { // obs-fold in a request: 400, or replaced by SP (RFC 9112 5.2): never a 5xx
        String fold = Mutator.pick(random, "\r\n folded", "\r\n\tfolded", "\r\n \r\n");
        return FuzzInput.of("obs-fold", ascii("GET /apps/echo/fold HTTP/1.1\r\nHost: " + host + "\r\nX-Fold: a" + fold + "\r\n" + end));
      }
      case 3: { // a version that is not HTTP/1.x: 400 or 505
        String version = Mutator.pick(random, "HTTP/2.0", "HTTP/0.9", "HTTP/1.1x", "HTTP/11", "http/1.1", "HTTP/1.", "HTTP/",
            "HTTP/3.0", "HTTP/1.01", "FTP/1.1", "HTTP/-1.1", "HTTP/1.9999999999");
        FuzzInput input = FuzzInput.of("bad-version", ascii("GET /apps/hello/ " + version + "\r\nHost: " + host + "\r\n" + end));
        // "http/1.1": the name is case-sensitive (RFC 9112 2.3), but no MUST forbids reading it leniently
        return version.equals("http/1.1") ? input : input.withRule("4xx|505");
      }
      case 4: { // Host missing, doubled or malformed in HTTP/1.1: 400 (RFC 9112 3.2)
        String hosts = Mutator.pick(random, "", "Host: " + host + "\r\nHost: evil.example\r\n", "Host: a b\r\n",
            "Host: exa mple:80\r\n", "Host: x@" + host + "\r\n", "Host: [::1\r\n", "Host: x:-1\r\n",
            "Host: /apps\r\n", "Host: x\r\nhost: y\r\n", "Host: \u00ff\r\n", "Host: x\u0000y\r\n");
        return FuzzInput.of("bad-host", ascii("GET /apps/hello/ HTTP/1.1\r\n" + hosts + end)).withRule("400");
      }
      case 5: { // dot segments, plain and encoded: the application (the echo app shows its environ) must get a
        // PATH_INFO without them, or the request is refused; a PATH_INFO with ".." escapes SCRIPT_NAME
        String path = Mutator.pick(random, "/apps/echo/../echo/x", "/apps/echo/x/../../../../etc/passwd", "/apps/echo/%2e%2e/%2e%2e/x",
            "/apps/echo/..%2f..%2fhealth", "/apps/echo/./a/./b/.", "/apps/echo/a/..", "/apps/echo/%2E%2E%2F%2E%2E%2Fx",
            "/apps/echo/..;/x", "/apps/echo/.%2e/x", "/apps/echo/x/..\\..\\y", "/apps/hello/../../health/live",
            "/../../etc/passwd", "//apps//echo//x", "/apps/echo/%", "/apps/echo/%zz", "http://evil.example/apps/echo/x");
        return FuzzInput.of("dot-segments", ascii("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + end)).withRule("no-dot-segments");
      }
      case 6: { // request line over limits.maxInitialLineBytes (4096): 414
        return FuzzInput.of("long-line", ascii("GET /apps/hello/" + "a".repeat(4100 + random.nextInt(20000)) + " HTTP/1.1\r\nHost: "
            + host + "\r\n" + end)).withRule("414");
      }
      case 7: { // headers over limits.maxHeaderBytes (8192): 431
        String headers = random.nextBoolean() ? "X-Big: " + "b".repeat(8200 + random.nextInt(20000)) + "\r\n"
            : "X-Many: 0123456789012345678901234567890123456789\r\n".repeat(200 + random.nextInt(800));
        return FuzzInput.of("big-headers", ascii("GET /apps/hello/ HTTP/1.1\r\nHost: " + host + "\r\n" + headers + end)).withRule("431");
      }
      case 8: { // bare CR / LF / NUL inside header values and the request line
        String bad = Mutator.pick(random, "\r", "\n", "\u0000", "\r\r\n", "\u007f");
        return FuzzInput.of("ctl-in-header", ascii("GET /apps/echo/ctl HTTP/1.1\r\nHost: " + host + "\r\nX-Ctl: a" + bad + "b\r\n" + end));
      }
      case 9: { // Content-Length that parsers overflow: 400 or 413, never a 5xx
        String cl = Mutator.HUGE_NUMBERS.get(random.nextInt(Mutator.HUGE_NUMBERS.size()));
        return FuzzInput.of("huge-content-length", ascii("POST /apps/echo/ HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " + cl
            + "\r\n" + end + "abcde"));
      }
      case 10: { // chunk sizes that overflow, chunk extensions and trailers that never end
        String size = Mutator.pick(random, "ffffffffffffffffff", "-1", "0x5", "5 5", "5;" + "e".repeat(5000), "", " 5", "5\u0000");
        return FuzzInput.of("bad-chunk", ascii("POST /apps/echo/ HTTP/1.1\r\nHost: " + host + "\r\nTransfer-Encoding: chunked\r\n"
            + end + size + "\r\nhello\r\n0\r\n\r\n"));
      }
      default: { // method and header-name oddities
        String method = Mutator.pick(random, "G\u00e9T", "GET\u0000", "", "PRI", "CONNECT", "TRACE", "get", "A".repeat(300));
        String header = Mutator.pick(random, "X Space: v", ": empty", "X-Colon:: v", "X-\u00ff: v", "Content-Length : 0", "\u0000: v");
        return FuzzInput.of("odd-token", ascii(method + " /apps/hello/ HTTP/1.1\r\nHost: " + host + "\r\n" + header + "\r\n" + end));
      }
    }
  }

  @Override
  public Outcome play(FuzzInput input) throws IOException {
    TcpExchange.Reply reply = TcpExchange.play(port, input, false, input.valid() ? VALID_LIMITS : LIMITS, null);
    return classify(input, reply);
  }

  static Outcome classify(FuzzInput input, TcpExchange.Reply reply) {
    if (reply.end() == TcpExchange.End.CLIENT_RESET) {
      return Outcome.of("client reset mid-request");
    }
    List<HttpResponses.Response> responses = HttpResponses.parse(reply.bytes());
    if (responses.isEmpty()) {
      String cls = reply.bytes().length > 0 ? "garbage reply" : switch (reply.end()) {
        case CLOSED -> "closed, no response";
        case RESET -> "reset, no response";
        default -> "no response (waiting for more)";
      };
      return input.valid() ? Outcome.violation(cls, "a valid request got no response") : Outcome.of(cls);
    }
    StringBuilder codes = new StringBuilder();
    String violation = null;
    for (HttpResponses.Response r : responses) {
      codes.append(codes.length() == 0 ? "" : "+").append(r.status());
      boolean allowed = (r.status() == 503 && r.body().startsWith(NO_APP))
          || (r.status() == 505 && "4xx|505".equals(input.rule()))
          || (r.status() == 501 && "one-then-close".equals(input.rule()));
      if (r.status() >= 500 && !allowed) {
        violation = "5xx for client input — " + r.status() + " " + r.body().strip();
      }
    }
    int first = responses.get(0).status();
    String cls = "answered " + (responses.size() > 1 ? codes : String.valueOf(first))
        + (first == 503 && responses.get(0).body().startsWith(NO_APP) ? " (no application)" : "");
    if (violation == null && "one-then-close".equals(input.rule())) {
      if (responses.size() > 1) {
        violation = "smuggling: a request hidden in the body of a Content-Length + Transfer-Encoding request was answered (" + codes + ")";
      } else if (reply.end() != TcpExchange.End.CLOSED && reply.end() != TcpExchange.End.RESET) {
        violation = "Content-Length + Transfer-Encoding: the connection was left open after the response (RFC 9112 6.1: MUST close)";
      }
    } else if (violation == null && "no-dot-segments".equals(input.rule())) {
      String pathInfo = pathInfo(responses.get(0).body());
      if (first == 200 && pathInfo != null && hasDotSegment(pathInfo)) {
        violation = "dot segments reach the application — PATH_INFO " + pathInfo;
      }
    } else if (violation == null && input.rule() != null && !matches(input.rule(), first)) {
      violation = "RFC requires " + input.rule() + " — got " + first;
    }
    if (violation == null && input.valid() && first >= 400 && first != 404) {
      violation = "a valid request got " + first;
    }
    return new Outcome(cls, violation);
  }

  private static final java.util.regex.Pattern PATH_INFO = java.util.regex.Pattern.compile("\"PATH_INFO\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** PATH_INFO in the echo application's JSON answer, or null. */
  static String pathInfo(String body) {
    java.util.regex.Matcher m = PATH_INFO.matcher(body);
    return m.find() ? m.group(1) : null;
  }

  static boolean hasDotSegment(String path) {
    // a backslash is no separator in a URI (RFC 3986), so only "/" splits segments here
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..") || segment.equals(".")) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(String rule, int status) {
    for (String one : rule.split("\\|")) {
      if (one.endsWith("xx") ? status / 100 == one.charAt(0) - '0' : Integer.parseInt(one) == status) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String probe(long timeoutMs) throws IOException {
    FuzzInput input = FuzzInput.of("probe", corpus.get(0));
    TcpExchange.Reply reply = TcpExchange.play(port, input, false,
        new TcpExchange.Limits(timeoutMs, timeoutMs, timeoutMs, 1 << 16), HttpResponses::hasResponse);
    List<HttpResponses.Response> responses = HttpResponses.parse(reply.bytes());
    if (responses.isEmpty() || responses.get(0).status() != 200 || !responses.get(0).body().equals("Hello, world!")) {
      return "GET /apps/hello/ over HTTP/1.1: " + (responses.isEmpty() ? reply.end() + " without a response" : responses.get(0));
    }
    return reply.millis() > timeoutMs ? "GET /apps/hello/ over HTTP/1.1 took " + reply.millis() + " ms" : null;
  }
}
