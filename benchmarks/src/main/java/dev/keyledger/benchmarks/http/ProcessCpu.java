package dev.keyledger.benchmarks.http;

import java.time.Duration;

/** CPU time of a process (all its threads, user + system), as the OS accounts it. */
public final class ProcessCpu {

  private ProcessCpu() {}

  /** Total CPU time of {@code process} so far, in nanoseconds (0 where the OS does not tell). */
  public static long nanos(ProcessHandle process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  /**
   * How many cores {@code process} keeps busy on its own, sampled over {@code period} while nothing
   * else is asked of it (for the dev node: the broker, stream threads and workers idling).
   */
  public static double idleCores(ProcessHandle process, Duration period)
      throws InterruptedException {
    long cpu = nanos(process);
    long wall = System.nanoTime();
    // The measured window itself: CPU used over this much wall time.
    Thread.sleep(period.toMillis());
    return (nanos(process) - cpu) / (double) (System.nanoTime() - wall);
  }
}
