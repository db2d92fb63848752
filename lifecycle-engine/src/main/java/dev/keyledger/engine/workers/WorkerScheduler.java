package dev.keyledger.engine.workers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the workers of one engine instance on their periods ({@link WorkerSettings}).
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Each worker has its own thread, so a slow round (a validation over many tenants, a KMS call
 *       waiting for its timeout) never delays another worker. A worker's rounds never overlap: the
 *       next round starts one period after the previous one ended. The first round of each worker
 *       starts one period after {@link #start()}.
 *   <li>A round that throws is logged at ERROR and the schedule goes on.
 *   <li>{@link #close()} starts no new round, waits at most 10 s for the rounds under way, then
 *       interrupts them. Threads are daemons.
 * </ul>
 */
public final class WorkerScheduler implements AutoCloseable {

  private static final long SHUTDOWN_TIMEOUT_SECONDS = 10;
  private static final Logger LOG = LoggerFactory.getLogger(WorkerScheduler.class);

  /** A worker and its period. */
  record Schedule(String name, Duration period, Worker worker) {}

  private final List<Schedule> schedules;
  private final ScheduledExecutorService executor;
  private boolean started;

  public WorkerScheduler(
      WorkerSettings settings,
      SealWatcher sealWatcher,
      CmkValidator validator,
      RewrapWorker rewrap) {
    this(
        List.of(
            new Schedule("seal-watcher", settings.sealRetry(), sealWatcher),
            new Schedule("cmk-validator", settings.validation(), validator),
            new Schedule("rewrap", settings.rewrap(), rewrap)));
  }

  WorkerScheduler(List<Schedule> schedules) {
    this.schedules = List.copyOf(schedules);
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newScheduledThreadPool(
            this.schedules.size(),
            runnable -> {
              Thread thread = new Thread(runnable, "keyledger-worker-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Schedules every worker.
   *
   * @throws IllegalStateException if already started
   */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("worker scheduler already started");
    }
    started = true;
    for (Schedule schedule : schedules) {
      long millis = schedule.period().toMillis();
      executor.scheduleWithFixedDelay(
          () -> runRound(schedule), millis, millis, TimeUnit.MILLISECONDS);
      LOG.info("worker {} runs every {}", schedule.name(), schedule.period());
    }
  }

  private static void runRound(Schedule schedule) {
    try {
      schedule.worker().runOnce();
    } catch (RuntimeException e) {
      LOG.error("worker {}: round failed, next round in {}", schedule.name(), schedule.period(), e);
    }
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn(
            "worker rounds still running after {} s, interrupting them", SHUTDOWN_TIMEOUT_SECONDS);
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
