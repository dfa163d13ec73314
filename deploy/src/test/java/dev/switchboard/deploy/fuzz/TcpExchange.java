package dev.switchboard.deploy.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One TCP connection playing one input: the bytes written by a writer thread in the input's pieces (so a server that
 * stops reading never blocks the harness), an optional reset mid-input, an optional half-close, and the reply read
 * until the server closes, resets, the reply is complete, it goes quiet, or a deadline passes.
 */
final class TcpExchange {

  /** How the reading ended. */
  enum End { CLOSED, RESET, COMPLETE, QUIET, NO_REPLY, DEADLINE, CLIENT_RESET }

  record Reply(byte[] bytes, End end, long millis) { }

  /** Bounds of one exchange. */
  record Limits(long noReplyMs, long quietMs, long totalMs, int maxBytes) { }

  private static final ExecutorService WRITERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fuzz-writer");
    t.setDaemon(true);
    return t;
  });

  private TcpExchange() { }

  static Socket connect(int port, int timeoutMs) throws IOException {
    Socket socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMs);
    socket.setSoTimeout(10);
    return socket;
  }

  static Reply play(int port, FuzzInput input, boolean halfClose, Limits limits, Predicate<byte[]> complete)
      throws IOException {
    long start = System.nanoTime();
    try (Socket socket = connect(port, 1000)) {
      if (input.resetAfter() >= 0) {
        OutputStream out = socket.getOutputStream();
        out.write(input.data(), 0, Math.min(input.resetAfter(), input.data().length));
        out.flush();
        socket.setSoLinger(true, 0);
        socket.close();
        return new Reply(new byte[0], End.CLIENT_RESET, 0);
      }
      Future<?> writer = WRITERS.submit(() -> {
        write(socket, input);
        if (halfClose) {
          socket.shutdownOutput();
        }
        return null;
      });
      if (input.readDelayMs() > 0) {
        waitQuietly(writer, input.readDelayMs());
      }
      Reply reply = read(socket, limits, complete, start);
      writer.cancel(true);
      return reply;
    }
  }

  private static void waitQuietly(Future<?> writer, long ms) {
    try {
      writer.get(ms, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // still writing (the server pushes back), or the write failed: either way the read comes next
    }
  }

  /** Writes the input in its pieces, cut at points that depend only on the input. */
  static void write(Socket socket, FuzzInput input) throws IOException {
    OutputStream out = socket.getOutputStream();
    byte[] data = input.data();
    int[] cuts = cuts(data, input.pieces());
    int from = 0;
    for (int cut : cuts) {
      out.write(data, from, cut - from);
      out.flush();
      from = cut;
    }
    out.write(data, from, data.length - from);
    out.flush();
  }

  private static int[] cuts(byte[] data, int pieces) {
    if (pieces <= 1 || data.length < 2) {
      return new int[0];
    }
    Random random = new Random(Arrays.hashCode(data) * 31L + pieces);
    int[] cuts = random.ints(Math.min(pieces - 1, data.length - 1), 1, data.length).sorted().distinct().toArray();
    return cuts;
  }

  /** Reads until the end of the reply (see {@link End}). */
  static Reply read(Socket socket, Limits limits, Predicate<byte[]> complete, long start) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[65536];
    long lastByte = System.nanoTime();
    while (true) {
      long now = System.nanoTime();
      long elapsed = (now - start) / 1_000_000;
      if (elapsed > limits.totalMs() || got.size() >= limits.maxBytes()) {
        return new Reply(got.toByteArray(), End.DEADLINE, elapsed);
      }
      if (got.size() == 0 && elapsed > limits.noReplyMs()) {
        return new Reply(got.toByteArray(), End.NO_REPLY, elapsed);
      }
      if (got.size() > 0 && (now - lastByte) / 1_000_000 > limits.quietMs()) {
        return new Reply(got.toByteArray(), End.QUIET, elapsed);
      }
      int n;
      try {
        n = in.read(buffer);
      } catch (SocketTimeoutException e) {
        continue;
      } catch (SocketException e) {
        return new Reply(got.toByteArray(), End.RESET, (System.nanoTime() - start) / 1_000_000);
      }
      if (n < 0) {
        return new Reply(got.toByteArray(), End.CLOSED, (System.nanoTime() - start) / 1_000_000);
      }
      got.write(buffer, 0, n);
      lastByte = System.nanoTime();
      if (complete != null && complete.test(got.toByteArray())) {
        return new Reply(got.toByteArray(), End.COMPLETE, (lastByte - start) / 1_000_000);
      }
    }
  }
}
