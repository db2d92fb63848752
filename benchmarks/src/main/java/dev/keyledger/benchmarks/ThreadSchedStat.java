package dev.keyledger.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Linux scheduler statistics of this JVM's threads whose name starts with a prefix ({@code
 * /proc/self/task/<tid>/comm} holds the first 15 characters of a Java thread's name, {@code
 * schedstat} its time on a CPU and its time runnable but waiting for one, in nanoseconds). For a
 * Streams client named {@code <app>-...} that is its stream threads, its state updater and its
 * cleanup thread; the last two are idle in a replay. It tells whether a thread that is not busy is
 * starved of a core (waiting in the run queue) or blocked (on I/O, a lock, the broker).
 */
final class ThreadSchedStat {

  /** One thread's counters. */
  record Counters(long onCpuNanos, long runQueueNanos) {}

  private ThreadSchedStat() {}

  /** tid -> counters of the threads whose name starts with {@code prefix}; empty without /proc. */
  static Map<String, Counters> sample(String prefix) {
    String comm = prefix.length() > 15 ? prefix.substring(0, 15) : prefix;
    Map<String, Counters> threads = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          if (!Files.readString(task.resolve("comm")).strip().startsWith(comm)) {
            continue;
          }
          String[] fields = Files.readString(task.resolve("schedstat")).strip().split("\\s+");
          threads.put(
              task.getFileName().toString(),
              new Counters(Long.parseLong(fields[0]), Long.parseLong(fields[1])));
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return threads;
  }

  /**
   * Each thread's counters since it started, busiest first: {@code [on CPU, waiting for a CPU]} in
   * seconds.
   */
  static List<double[]> totals(Map<String, Counters> sample) {
    return between(Map.of(), sample);
  }

  /**
   * What each thread present in both samples (or, with {@code before} empty, in {@code after}) did
   * between them, busiest first: {@code [on CPU, waiting for a CPU]} in seconds.
   */
  static List<double[]> between(Map<String, Counters> before, Map<String, Counters> after) {
    List<double[]> deltas = new ArrayList<>();
    after.forEach(
        (tid, a) -> {
          Counters b = before.isEmpty() ? new Counters(0, 0) : before.get(tid);
          if (b != null) {
            deltas.add(
                new double[] {
                  (a.onCpuNanos() - b.onCpuNanos()) / 1e9,
                  (a.runQueueNanos() - b.runQueueNanos()) / 1e9
                });
          }
        });
    deltas.sort((x, y) -> Double.compare(y[0], x[0]));
    return deltas;
  }
}
