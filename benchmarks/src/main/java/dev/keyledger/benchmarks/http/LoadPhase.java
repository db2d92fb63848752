package dev.keyledger.benchmarks.http;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * One load phase against one workload: {@code connections} threads, each with its own keep-alive
 * {@link HttpConnection}, first a warm-up (not recorded) and then a measured window.
 *
 * <p>Two pacings. <b>Saturation</b> (closed loop): each connection sends its next request as soon
 * as the previous response is in; latency is send to last byte of the response. <b>Fixed rate</b>
 * (open loop): request {@code i} of the phase is due at {@code start + i / rate}, connection {@code
 * c} sends the requests {@code i ≡ c (mod connections)}; latency is measured from the <em>due</em>
 * time, not from when it was actually sent, so a stall also counts against the requests it delayed
 * (no coordinated omission). A request due in the window but still unsent {@code grace} after the
 * window closed is counted as the error {@code unsent} and its latency recorded as the time from
 * due to then (a lower bound). Throughput is the responses that arrived within the window, whenever
 * they were due, per second of window.
 *
 * <p>Any status other than the workload's expected one, and any I/O failure, is an error (counted
 * by status, or {@code io}); its latency is still recorded if a response came.
 */
public final class LoadPhase {

  /**
   * What to send.
   *
   * @param name the scenario's name in reports
   * @param requests the {@code i}-th request of the phase (0-based over all connections, warm-up
   *     included)
   * @param expectedStatus the only status that counts as success
   */
  public record Workload(String name, IntFunction<HttpRequest> requests, int expectedStatus) {}

  /**
   * How requests are paced.
   *
   * @param connections how many connections (and threads)
   * @param ratePerSecond the offered rate over all connections; 0 for saturation
   */
  public record Pacing(int connections, double ratePerSecond) {

    public static Pacing saturation(int connections) {
      return new Pacing(connections, 0);
    }

    public static Pacing fixedRate(int connections, double ratePerSecond) {
      return new Pacing(connections, ratePerSecond);
    }

    boolean saturating() {
      return ratePerSecond == 0;
    }

    String describe() {
      return saturating()
          ? "saturation, " + connections + " conn"
          : String.format("fixed %,.0f/s, %d conn", ratePerSecond, connections);
    }
  }

  /**
   * How long each part of the phase lasts.
   *
   * @param warmup sent but not recorded
   * @param measure the recorded window
   * @param grace how long after the window a fixed-rate phase still sends requests that were due in
   *     it
   */
  public record Timing(Duration warmup, Duration measure, Duration grace) {}

  /**
   * Where the load goes.
   *
   * @param host the edge's address
   * @param port the edge's port
   * @param server the server's process, whose CPU time is sampled around the phase
   * @param serverIdleCores what the server uses on its own ({@link ProcessCpu#idleCores}),
   *     subtracted from its CPU time per request
   */
  public record Target(String host, int port, ProcessHandle server, double serverIdleCores) {}

  private static final int READ_TIMEOUT_MS = 30_000;
  private static final int SAMPLE_CHARS = 300;

  private LoadPhase() {}

  /** Runs one phase against {@code target} and returns what the measured window saw. */
  public static PhaseResult run(Target target, Workload workload, Pacing pacing, Timing timing)
      throws InterruptedException {
    int n = pacing.connections();
    List<Worker> workers = new ArrayList<>();
    CountDownLatch ready = new CountDownLatch(n);
    long[] start = new long[1];
    CountDownLatch go = new CountDownLatch(1);
    for (int c = 0; c < n; c++) {
      workers.add(
          new Worker(c, target.host(), target.port(), workload, pacing, timing, ready, go, start));
    }
    List<Thread> threads = new ArrayList<>();
    for (Worker w : workers) {
      Thread t = new Thread(w, "load-" + workload.name() + "-" + w.index);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    ready.await();
    Instant began = Instant.now();
    long clientCpu = ProcessCpu.nanos(ProcessHandle.current());
    long serverCpu = ProcessCpu.nanos(target.server());
    long wall = System.nanoTime();
    start[0] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    long serverUsed = ProcessCpu.nanos(target.server()) - serverCpu;
    CpuPerRequest cpu =
        new CpuPerRequest(
            ProcessCpu.nanos(ProcessHandle.current()) - clientCpu,
            serverUsed,
            serverUsed - (long) (target.serverIdleCores() * (System.nanoTime() - wall)));
    return merge(workload, pacing, timing, workers, cpu, began);
  }

  /**
   * CPU time over the whole phase (warm-up included), in nanoseconds: this JVM's, the server's, and
   * the server's less its idle baseline.
   */
  private record CpuPerRequest(long clientNanos, long serverNanos, long serverNetNanos) {}

  private static PhaseResult merge(
      Workload workload,
      Pacing pacing,
      Timing timing,
      List<Worker> workers,
      CpuPerRequest cpu,
      Instant began) {
    Histogram latency = new Histogram(3);
    Histogram service = new Histogram(3);
    Map<String, Long> errors = new TreeMap<>();
    Map<String, String> samples = new TreeMap<>();
    long count = 0;
    long exchanges = 0;
    long inWindow = 0;
    int reconnects = 0;
    for (Worker w : workers) {
      latency.add(w.latency);
      service.add(w.service);
      w.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
      w.samples.forEach(samples::putIfAbsent);
      count += w.count;
      exchanges += w.exchanges;
      inWindow += w.inWindow;
      reconnects += w.reconnects;
    }
    return new PhaseResult(
        workload.name(),
        pacing.describe(),
        pacing.connections(),
        pacing.ratePerSecond(),
        timing.measure().toMillis() / 1000.0,
        count,
        timing.measure().isZero() ? 0 : inWindow / (timing.measure().toNanos() / 1e9),
        Percentiles.of(latency),
        Percentiles.of(service),
        errors,
        samples,
        reconnects,
        exchanges == 0 ? Double.NaN : cpu.serverNanos() / 1e3 / exchanges,
        exchanges == 0 ? Double.NaN : cpu.serverNetNanos() / 1e3 / exchanges,
        exchanges == 0 ? Double.NaN : cpu.clientNanos() / 1e3 / exchanges,
        LoadAverage.read(),
        began,
        Instant.now());
  }

  /** One connection's thread and what it recorded. */
  private static final class Worker implements Runnable {
    final int index;
    final Workload workload;
    final Pacing pacing;
    final Timing timing;
    final HttpConnection connection;
    final CountDownLatch ready;
    final CountDownLatch go;
    final long[] start;
    final Histogram latency = new Histogram(3);
    final Histogram service = new Histogram(3);
    final Map<String, Long> errors = new TreeMap<>();
    final Map<String, String> samples = new TreeMap<>();
    long count;
    long exchanges;
    long inWindow;
    long measureStart;
    long measureEnd;
    int reconnects;

    Worker(
        int index,
        String host,
        int port,
        Workload workload,
        Pacing pacing,
        Timing timing,
        CountDownLatch ready,
        CountDownLatch go,
        long[] start) {
      this.index = index;
      this.workload = workload;
      this.pacing = pacing;
      this.timing = timing;
      this.connection = new HttpConnection(host, port, READ_TIMEOUT_MS);
      this.ready = ready;
      this.go = go;
      this.start = start;
    }

    @Override
    public void run() {
      ready.countDown();
      try {
        go.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long t0 = start[0];
      measureStart = t0 + timing.warmup().toNanos();
      measureEnd = measureStart + timing.measure().toNanos();
      long deadline = measureEnd + timing.grace().toNanos();
      double intervalNs = pacing.saturating() ? 0 : 1e9 / pacing.ratePerSecond();
      int n = pacing.connections();
      try {
        for (int k = 0; ; k++) {
          int i = k * n + index;
          long due;
          if (pacing.saturating()) {
            due = System.nanoTime();
            if (due >= measureEnd) {
              break;
            }
          } else {
            due = t0 + (long) (i * intervalNs);
            if (due >= measureEnd) {
              break;
            }
            if (System.nanoTime() >= deadline) {
              countUnsent(k, t0, intervalNs);
              break;
            }
            waitUntil(due);
          }
          exchange(workload.requests().apply(i), due, due >= measureStart);
        }
      } finally {
        reconnects = connection.reconnects();
        connection.close();
      }
    }

    private void exchange(HttpRequest request, long due, boolean record) {
      long sent = System.nanoTime();
      int status;
      try {
        status = connection.exchange(request);
      } catch (IOException e) {
        if (record) {
          errors.merge("io", 1L, Long::sum);
          samples.putIfAbsent("io", e.toString());
        }
        return;
      }
      long end = System.nanoTime();
      exchanges++;
      if (end >= measureStart && end < measureEnd) {
        inWindow++;
      }
      if (!record) {
        return;
      }
      latency.recordValue(end - due);
      service.recordValue(end - sent);
      count++;
      if (status != workload.expectedStatus()) {
        String key = Integer.toString(status);
        errors.merge(key, 1L, Long::sum);
        if (!samples.containsKey(key)) {
          String body = connection.body();
          samples.put(key, body.substring(0, Math.min(body.length(), SAMPLE_CHARS)));
        }
      }
    }

    /** Requests due in the window but never sent: their latency is at least now - due. */
    private void countUnsent(int fromK, long t0, double intervalNs) {
      long unsent = 0;
      long now = System.nanoTime();
      for (int k = fromK; ; k++) {
        long due = t0 + (long) ((k * (long) pacing.connections() + index) * intervalNs);
        if (due >= measureEnd) {
          break;
        }
        if (due >= measureStart) {
          unsent++;
          latency.recordValue(now - due);
        }
      }
      if (unsent > 0) {
        errors.merge("unsent", unsent, Long::sum);
      }
    }

    private static void waitUntil(long due) {
      for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
        LockSupport.parkNanos(left);
      }
    }
  }
}
