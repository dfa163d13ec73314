package dev.switchboard.deploy.client;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.net.ssl.SSLSocket;

/**
 * The command-line client in the jar: {@code echo}, {@code udp} and {@code bus}. Exit status: 0 done, 2 bad
 * arguments, 3 no answer in time, 4 cannot connect, 5 the far side refused or failed.
 */
public final class ClientCommand {

  public static final Set<String> COMMANDS = Set.of("echo", "udp", "bus");
  private static final int TLS_POLL_MS = 100;
  private static final String ECHO_USAGE = """
        switchboard echo HOST:PORT [--framing raw|line|length] [--connect-timeout MS] [--source HOST[:PORT]]
                                   [--tls [--cafile FILE | --insecure]]
            stdin goes to the echo service and its answers to stdout; at the end of stdin the connection is half-closed
      """;
  private static final String UDP_USAGE = """
        switchboard udp HOST:PORT [--data TEXT] [--timeout MS] [--source HOST[:PORT]]
            sends one datagram (TEXT, or stdin) and prints the answer
      """;
  private static final String BUS_USAGE = """
        switchboard bus send|publish|listen ADDRESS [JSON] [--bridge HOST:PORT] [--timeout MS] [--connect-timeout MS]
                        [--token TOKEN] [--tls [--cafile FILE | --insecure]]
            through the TCP event-bus bridge: send prints the reply, listen prints each message until stopped;
            --token (or the environment variable SWITCHBOARD_TOKEN) is the bridge's bridge.token
      """;
  private static final String TLS_USAGE = """
      --tls checks the server's certificate against the JDK's authorities, or --cafile FILE (PEM), and its host name;
      --insecure skips the check. Options take their value after a space or an equals sign (--timeout=500).
      --help after a command prints its usage.
      """;
  private static final String EXIT_USAGE = """
      Exit status: 0 done, 2 bad arguments, 3 no answer in time, 4 cannot connect, 5 refused or failed by the far side.
      """;
  static final String USAGE = "Usage:\n" + ECHO_USAGE + UDP_USAGE + BUS_USAGE + TLS_USAGE + EXIT_USAGE;
  /** The environment variable {@code bus} takes the bridge token from when {@code --token} is not given. */
  static final String TOKEN_VARIABLE = "SWITCHBOARD_TOKEN";

  private final InputStream in;
  private final PrintStream out;
  private final Map<String, String> environment;

  private ClientCommand(InputStream in, PrintStream out, Map<String, String> environment) {
    this.in = in;
    this.out = out;
    this.environment = environment;
  }

  /** Runs a client command; returns the exit status, having printed one line to {@code err} on failure. */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    return run(args, in, out, err, System.getenv());
  }

  /** As {@link #run(String[], InputStream, PrintStream, PrintStream)}, with the environment given. */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> environment) {
    try {
      new ClientCommand(in, out, environment).dispatch(args);
      return 0;
    } catch (ClientException e) {
      err.println("switchboard: " + e.getMessage());
      if (e.exitCode() == ClientException.USAGE) {
        err.print(USAGE);
      }
      return e.exitCode();
    } catch (IOException e) {
      err.println("switchboard: " + Connector.describe(e));
      return ClientException.UNREACHABLE;
    }
  }

  private record Options(List<String> positional, Map<String, String> named) {
    String get(String name, String fallback) {
      return named.getOrDefault(name, fallback);
    }

    int millis(String name, int fallback) throws ClientException {
      String value = named.get(name);
      if (value == null) {
        return fallback;
      }
      if (!value.matches("\\d{1,9}")) {
        throw ClientException.usage("--" + name + " takes milliseconds, not " + value);
      }
      return Integer.parseInt(value);
    }
  }

  private static Options parse(String[] args, int from, Set<String> flags, Set<String> valued) throws ClientException {
    List<String> positional = new ArrayList<>();
    Map<String, String> named = new HashMap<>();
    for (int i = from; i < args.length; i++) {
      if (args[i].startsWith("--")) {
        String name = args[i].substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq > 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        if (flags.contains(name) && value == null) {
          named.put(name, "true");
        } else if (valued.contains(name) && value != null) {
          named.put(name, value);
        } else if (valued.contains(name) && i + 1 < args.length) {
          named.put(name, args[++i]);
        } else {
          throw ClientException.usage(valued.contains(name) ? "--" + name + " needs a value"
              : flags.contains(name) ? "--" + name + " takes no value" : "unknown option " + args[i]);
        }
      } else {
        positional.add(args[i]);
      }
    }
    return new Options(positional, named);
  }

  private void dispatch(String[] args) throws ClientException, IOException {
    if (Arrays.asList(args).subList(1, args.length).stream().anyMatch(a -> a.equals("--help") || a.equals("-h"))) {
      out.print("Usage:\n" + switch (args[0]) {
        case "echo" -> ECHO_USAGE + TLS_USAGE;
        case "udp" -> UDP_USAGE;
        default -> BUS_USAGE + TLS_USAGE;
      } + EXIT_USAGE);
      out.flush();
      return;
    }
    switch (args[0]) {
      case "echo" -> echo(parse(args, 1, Set.of("tls", "insecure"), Set.of("framing", "connect-timeout", "source", "cafile")));
      case "udp" -> udp(parse(args, 1, Set.of(), Set.of("data", "timeout", "source")));
      default -> bus(parse(args, 1, Set.of("tls", "insecure"),
          Set.of("bridge", "timeout", "connect-timeout", "token", "cafile")));
    }
  }

  /** {@code --tls}, with {@code --cafile} or {@code --insecure}; null without {@code --tls}. */
  private static ClientTls tls(Options options) throws ClientException {
    boolean insecure = options.named().containsKey("insecure");
    String caFile = options.named().get("cafile");
    if (!options.named().containsKey("tls")) {
      if (insecure || caFile != null) {
        throw ClientException.usage((insecure ? "--insecure" : "--cafile") + " needs --tls");
      }
      return null;
    }
    if (insecure && caFile != null) {
      throw ClientException.usage("--cafile and --insecure exclude each other");
    }
    ClientTls tls = new ClientTls(caFile == null ? null : Path.of(caFile), insecure);
    tls.check();
    return tls;
  }

  private static HostPort target(Options options, int index, String what) throws ClientException {
    if (options.positional().size() <= index) {
      throw ClientException.usage(what + " is missing");
    }
    return HostPort.parse(options.positional().get(index), -1);
  }

  // -- echo ----------------------------------------------------------------------------------------------------------

  private void echo(Options options) throws ClientException, IOException {
    HostPort target = target(options, 0, "HOST:PORT");
    String framing = options.get("framing", "raw");
    if (!Set.of("raw", "line", "length").contains(framing)) {
      throw ClientException.usage("--framing is raw, line or length, not " + framing);
    }
    HostPort source = options.named().containsKey("source") ? HostPort.parse(options.get("source", ""), 0) : null;
    try (Socket socket = Connector.connect(target, source, options.millis("connect-timeout", 5000), tls(options))) {
      long[] sent = {0};
      boolean[] inputDone = {false};
      Thread pump = new Thread(() -> {
        try {
          sent[0] = copyIn(socket.getOutputStream(), framing.equals("length"));
          if (!(socket instanceof SSLSocket)) {
            socket.shutdownOutput();
          }
        } catch (IOException e) {
          // the reader reports the connection's end
        }
        synchronized (inputDone) {
          inputDone[0] = true;
        }
      }, "stdin-to-socket");
      pump.setDaemon(true);
      pump.start();
      copyOut(socket, framing.equals("length"), () -> {
        synchronized (inputDone) {
          return inputDone[0] ? sent[0] : -1;
        }
      });
    }
  }

  /** Sends stdin: as it comes, or one length-prefixed frame per line; returns the bytes sent. */
  private long copyIn(OutputStream socket, boolean lengthFrames) throws IOException {
    long sent = 0;
    if (!lengthFrames) {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        socket.write(buffer, 0, n);
        socket.flush();
        sent += n;
      }
      return sent;
    }
    DataOutputStream frames = new DataOutputStream(socket);
    for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      byte[] payload = line.getBytes(StandardCharsets.UTF_8);
      frames.writeInt(payload.length);
      frames.write(payload);
      sent += 4 + payload.length;
    }
    frames.flush();
    return sent;
  }

  private interface SentSoFar {
    /** Bytes sent once stdin has ended, or -1 while it has not. */
    long get();
  }

  /**
   * Prints the answers until the server closes, or, over TLS, which cannot half-close, until all that was sent has
   * come back. Over TLS the reads wait {@value #TLS_POLL_MS} ms at a time, so that the end of stdin is noticed even when
   * the last answer was read before it: a read that blocked until the server spoke again would wait for ever.
   */
  private void copyOut(Socket socket, boolean lengthFrames, SentSoFar sent) throws IOException {
    boolean tls = socket instanceof SSLSocket;
    if (tls) {
      socket.setSoTimeout(TLS_POLL_MS);
    }
    InputStream from = socket.getInputStream();
    DataInputStream frames = new DataInputStream(from);
    byte[] buffer = new byte[8192];
    long received = 0;
    while (true) {
      long total = sent.get();
      if (tls && total >= 0 && received >= total) {
        return;
      }
      int n;
      try {
        n = from.read(buffer, 0, lengthFrames ? 1 : buffer.length);
      } catch (SocketTimeoutException poll) {
        continue;
      }
      if (n < 0) {
        return;
      }
      if (!lengthFrames) {
        out.write(buffer, 0, n);
        out.flush();
        received += n;
        continue;
      }
      // A frame has begun: the rest of it comes without polling, as the server writes whole frames.
      socket.setSoTimeout(0);
      int length;
      try {
        length = (buffer[0] & 0xFF) << 24 | frames.readUnsignedByte() << 16 | frames.readUnsignedByte() << 8
            | frames.readUnsignedByte();
      } catch (EOFException end) {
        return;
      }
      byte[] payload = frames.readNBytes(length);
      out.println(new String(payload, StandardCharsets.UTF_8));
      out.flush();
      received += 4 + length;
      if (tls) {
        socket.setSoTimeout(TLS_POLL_MS);
      }
    }
  }

  // -- udp -----------------------------------------------------------------------------------------------------------

  private void udp(Options options) throws ClientException, IOException {
    HostPort target = target(options, 0, "HOST:PORT");
    byte[] data = options.named().containsKey("data")
        ? options.get("data", "").getBytes(StandardCharsets.UTF_8) : in.readAllBytes();
    InetAddress address;
    try {
      address = InetAddress.getAllByName(target.host())[0];
    } catch (UnknownHostException e) {
      throw new ClientException(ClientException.UNREACHABLE, "cannot resolve " + target.host());
    }
    HostPort source = options.named().containsKey("source") ? HostPort.parse(options.get("source", ""), 0) : null;
    try (DatagramSocket socket = source == null ? new DatagramSocket()
        : new DatagramSocket(new InetSocketAddress(source.host(), source.port()))) {
      socket.setSoTimeout(options.millis("timeout", 2000));
      socket.send(new DatagramPacket(data, data.length, address, target.port()));
      byte[] buffer = new byte[65536];
      DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(reply);
      } catch (SocketTimeoutException e) {
        throw new ClientException(ClientException.TIMEOUT, "no answer from " + target + " within "
            + options.millis("timeout", 2000) + " ms");
      }
      out.write(buffer, 0, reply.getLength());
      out.println();
      out.flush();
    }
  }

  // -- bus -----------------------------------------------------------------------------------------------------------

  private void bus(Options options) throws ClientException, IOException {
    List<String> words = options.positional();
    if (words.size() < 2 || !Set.of("send", "publish", "listen").contains(words.get(0))) {
      throw ClientException.usage("bus takes send, publish or listen, then an address");
    }
    String action = words.get(0);
    String address = words.get(1);
    Object body = null;
    if (!action.equals("listen")) {
      String json = words.size() > 2 ? words.get(2) : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      try {
        body = Json.decodeValue(json);
      } catch (DecodeException e) {
        throw ClientException.usage("the message must be JSON: " + json);
      }
    }
    HostPort bridge = HostPort.parse(options.get("bridge", "127.0.0.1:7070"), 7070);
    int timeout = options.millis("timeout", 5000);
    String token = options.get("token", environment.getOrDefault(TOKEN_VARIABLE, ""));
    JsonObject headers = token.isEmpty() ? null : new JsonObject().put("token", token);
    try (Socket socket = Connector.connect(bridge, null, options.millis("connect-timeout", 5000), tls(options))) {
      socket.setSoTimeout(action.equals("listen") ? 0 : timeout);
      DataOutputStream frames = new DataOutputStream(socket.getOutputStream());
      DataInputStream answers = new DataInputStream(socket.getInputStream());
      String replyAddress = "cli." + UUID.randomUUID();
      JsonObject frame = new JsonObject().put("address", address);
      switch (action) {
        case "send" -> frame.put("type", "send").put("replyAddress", replyAddress).put("body", body);
        case "publish" -> frame.put("type", "publish").put("body", body);
        default -> frame.put("type", "register");
      }
      write(frames, frame, headers);
      if (action.equals("publish")) {
        // The bridge answers frames in order: a pong means the publish went through.
        write(frames, new JsonObject().put("type", "ping"), headers);
      }
      try {
        while (true) {
          JsonObject answer = read(answers);
          switch (answer.getString("type", "")) {
            case "err" -> throw new ClientException(ClientException.REMOTE_ERROR, "refused by the bus: "
                + answer.getString("message") + (answer.containsKey("failureCode") ? " (code " + answer.getValue("failureCode") + ")" : ""));
            case "pong" -> {
              return;
            }
            case "message" -> {
              out.println(Json.encode(answer.getValue("body")));
              out.flush();
              if (action.equals("send")) {
                return;
              }
            }
            default -> {
              // nothing else is expected; ignore
            }
          }
        }
      } catch (SocketTimeoutException e) {
        throw new ClientException(ClientException.TIMEOUT, "no reply from " + address + " within " + timeout + " ms");
      } catch (EOFException e) {
        if (!action.equals("listen")) {
          throw new ClientException(ClientException.UNREACHABLE, "the bridge closed the connection");
        }
      }
    }
  }

  /** @param headers the token's headers, which the bridge wants on every frame, or null */
  private static void write(DataOutputStream frames, JsonObject frame, JsonObject headers) throws IOException {
    if (headers != null) {
      frame.put("headers", headers);
    }
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    frames.writeInt(json.length);
    frames.write(json);
    frames.flush();
  }

  private static JsonObject read(DataInputStream frames) throws IOException {
    byte[] json = new byte[frames.readInt()];
    frames.readFully(json);
    return new JsonObject(new String(json, StandardCharsets.UTF_8));
  }
}
