import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a recording made by alloc-per-request.sh and prints what the event loops allocated per request: the exact
 * bytes (jdk.ThreadAllocationStatistics, the JVM's per-thread counters, emitted when the recording starts and when it
 * stops), then the sampled sites (jdk.ObjectAllocationSample), each sample weighing the bytes its thread allocated
 * since the previous one. Read through jdk.jfr.consumer rather than `jfr print --json`, whose output runs to about
 * 120 KB per sampled stack (every frame repeats its class loader and module).
 *
 * <pre>java bench/AllocationProfile.java RECORDING REQUESTS [SITES]</pre>
 */
public class AllocationProfile {

  static final String EVENT_LOOP = "vert.x-eventloop-thread-";
  static final String OURS = "dev.switchboard.";
  /** Frames that tell where in the server an allocation comes from; the JDK's own say only how. */
  static final int CALLERS = 4;
  /** A lambda's class, whose name changes from run to run; its frames only forward the call. */
  static final String LAMBDA = "\\$\\$Lambda.*";

  public static void main(String[] args) throws IOException {
    Path recording = Path.of(args[0]);
    long requests = Long.parseLong(args[1]);
    int sites = args.length > 2 ? Integer.parseInt(args[2]) : 15;

    // Per thread, its counter's first and last readings in the recording.
    Map<String, RecordedEvent> first = new HashMap<>();
    Map<String, RecordedEvent> last = new HashMap<>();
    Map<String, Long> bySite = new HashMap<>();
    Map<String, Long> byOurFrame = new HashMap<>();
    // A thread's first sample weighs what it allocated since its previous one, before the recording: left out.
    Set<String> sampledThreads = new HashSet<>();
    long sampled = 0;
    int samples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      switch (event.getEventType().getName()) {
        case "jdk.ThreadAllocationStatistics" -> {
          String thread = name(event.getThread("thread"));
          first.merge(thread, event, (a, b) -> b.getStartTime().isBefore(a.getStartTime()) ? b : a);
          last.merge(thread, event, (a, b) -> b.getStartTime().isAfter(a.getStartTime()) ? b : a);
        }
        case "jdk.ObjectAllocationSample" -> {
          String thread = name(event.getThread());
          if (!thread.startsWith(EVENT_LOOP) || event.getStackTrace() == null || sampledThreads.add(thread)) {
            continue;
          }
          long weight = event.getLong("weight");
          List<RecordedFrame> frames = event.getStackTrace().getFrames();
          bySite.merge(site(event.getClass("objectClass").getName(), frames), weight, Long::sum);
          byOurFrame.merge(nearestServerFrame(frames), weight, Long::sum);
          sampled += weight;
          samples++;
        }
        default -> { }
      }
    }

    long loops = 0, others = 0;
    int loopThreads = 0;
    for (String thread : last.keySet()) {
      long delta = last.get(thread).getLong("allocated") - first.get(thread).getLong("allocated");
      if (thread.startsWith(EVENT_LOOP)) {
        loops += delta;
        loopThreads++;
      } else {
        others += delta;
      }
    }
    System.out.printf("exact:   %,.0f bytes allocated per request by the event loops (%d threads, %,d requests);"
        + " other threads %,.0f (jcmd's Attach Listener, the acceptor)%n",
        (double) loops / requests, loopThreads, requests, (double) others / requests);
    // A sample weighs what its thread allocated since its previous sample, so the weights add up to the counters'
    // growth between each thread's first and last samples: below 100 % the samples missed part of the run.
    System.out.printf("sampled: %,.0f bytes per request in %,d samples (they cover %.0f %% of the exact figure)%n%n",
        (double) sampled / requests, samples, 100.0 * sampled / Math.max(loops, 1));

    System.out.println("top sites by sampled bytes per request: object, where allocated < first callers outside the JDK");
    print(bySite, sampled, requests, sites);
    System.out.println();
    System.out.println("by the nearest frame of Switchboard's code (else Vert.x's, else Netty's) -> the method it called");
    print(byOurFrame, sampled, requests, sites);
  }

  static void print(Map<String, Long> weights, long total, long requests, int limit) {
    weights.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(limit)
        .forEach(e -> System.out.printf("%7.0f B %5.1f %%  %s%n",
            (double) e.getValue() / requests, 100.0 * e.getValue() / total, e.getKey()));
  }

  /** The object's class, the frame that allocated it, and the first few callers outside the JDK. */
  static String site(String objectClass, List<RecordedFrame> frames) {
    List<String> parts = new ArrayList<>();
    parts.add(objectClass.replaceFirst("^java\\.lang\\.", "").replaceFirst(LAMBDA, "\\$\\$Lambda"));
    for (int i = 0; i < frames.size() && parts.size() < CALLERS + 2; i++) {
      String type = frames.get(i).getMethod().getType().getName();
      boolean jdk = type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.");
      if (i == 0 || !jdk && !type.matches(".*" + LAMBDA)) {
        parts.add(frame(frames.get(i)));
      }
    }
    return parts.get(0) + "  " + String.join(" < ", parts.subList(1, parts.size()));
  }

  /** That frame, and what it called: whether the server's code allocates there itself or through a library. */
  static String nearestServerFrame(List<RecordedFrame> frames) {
    for (String prefix : new String[] {OURS, "io.vertx.", "io.netty."}) {
      for (int i = 0; i < frames.size(); i++) {
        RecordedFrame f = frames.get(i);
        if (f.getMethod().getType().getName().startsWith(prefix)) {
          String at = prefix.equals(OURS) ? sourceLine(f) : frame(f);
          return i == 0 ? at : at + " -> " + callee(frames, i);
        }
      }
    }
    return "(no server frame)";
  }

  /** The method frame {@code i} called, past the frames of lambdas, which only forward the call. */
  static String callee(List<RecordedFrame> frames, int i) {
    int j = i - 1;
    while (j > 0 && frames.get(j).getMethod().getType().getName().matches(".*" + LAMBDA)) {
      j--;
    }
    return frame(frames.get(j));
  }

  /** For our own code, the source file and line, which is what one acts on. */
  static String sourceLine(RecordedFrame f) {
    String type = f.getMethod().getType().getName().substring(OURS.length());
    String outer = type.replaceFirst("\\$.*", "").replace('.', '/');
    return outer + ".java:" + f.getLineNumber() + " (" + simple(type) + "." + f.getMethod().getName() + ")";
  }

  static String frame(RecordedFrame f) {
    return simple(f.getMethod().getType().getName()) + "." + f.getMethod().getName() + ":" + f.getLineNumber();
  }

  static String simple(String type) {
    return type.substring(type.lastIndexOf('.') + 1);
  }

  static String name(RecordedThread thread) {
    return thread == null || thread.getJavaName() == null ? "(native)" : thread.getJavaName();
  }
}
