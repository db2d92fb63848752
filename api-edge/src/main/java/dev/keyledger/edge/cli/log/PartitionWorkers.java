package dev.keyledger.edge.cli.log;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Runs a sink on worker threads: every record of a partition goes to the same worker, in the order
 * given, so a tenant's events (all on one partition) are applied in seq order by one thread while
 * the partitions are spread over the cores. The sink is called from several threads at once, never
 * for one partition from two. The calling thread only batches; a small bounded queue per worker
 * holds it back when that worker lags. Not reusable: {@link #finish} once.
 */
final class PartitionWorkers implements RecordSink, AutoCloseable {

  private static final int BATCH = 500;
  private static final int QUEUED_BATCHES = 4;
  private static final List<ConsumerRecord<String, byte[]>> END = List.of();

  private final RecordSink sink;
  private final Worker[] workers;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  /**
   * @param threads how many workers (at least 1)
   * @param sink called on the workers; must accept calls for different partitions at once
   */
  PartitionWorkers(int threads, RecordSink sink) {
    this.sink = sink;
    this.workers = new Worker[Math.max(1, threads)];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker("keyledger-log-worker-" + i);
      workers[i].thread.start();
    }
  }

  @Override
  public void accept(ConsumerRecord<String, byte[]> record) {
    throwIfFailed();
    Worker worker = workers[Math.floorMod(record.partition(), workers.length)];
    worker.batch.add(record);
    if (worker.batch.size() >= BATCH) {
      worker.hand();
    }
  }

  /**
   * Waits until every record given so far has been handed to the sink.
   *
   * @throws RuntimeException (or Error) what the sink threw on a worker, if it did
   */
  void finish() {
    for (Worker worker : workers) {
      worker.hand();
      worker.put(END);
    }
    for (Worker worker : workers) {
      try {
        worker.thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the log's records were applied", e);
      }
    }
    throwIfFailed();
  }

  /** Stops the workers if {@link #finish} was not reached (the read failed). */
  @Override
  public void close() {
    for (Worker worker : workers) {
      worker.thread.interrupt();
    }
  }

  private void throwIfFailed() {
    Throwable e = failure.get();
    if (e instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (e instanceof Error error) {
      throw error;
    }
  }

  private final class Worker {

    private final BlockingQueue<List<ConsumerRecord<String, byte[]>>> queue =
        new ArrayBlockingQueue<>(QUEUED_BATCHES);
    private final Thread thread;
    private List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(BATCH);

    Worker(String name) {
      this.thread = new Thread(this::run, name);
      this.thread.setDaemon(true);
    }

    void hand() {
      if (!batch.isEmpty()) {
        put(batch);
        batch = new ArrayList<>(BATCH);
      }
    }

    void put(List<ConsumerRecord<String, byte[]>> records) {
      try {
        queue.put(records);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while handing over the log's records", e);
      }
    }

    private void run() {
      try {
        while (true) {
          List<ConsumerRecord<String, byte[]>> records = queue.take();
          if (records == END) {
            return;
          }
          if (failure.get() == null) {
            apply(records);
          }
        }
      } catch (InterruptedException e) {
        // close() after a failed read: nothing more will come.
      }
    }

    private void apply(List<ConsumerRecord<String, byte[]>> records) {
      try {
        for (ConsumerRecord<String, byte[]> record : records) {
          sink.accept(record);
        }
      } catch (RuntimeException | Error e) {
        // Kept for the reading thread; this worker goes on draining its queue so that it never
        // blocks the reader, which fails at its next record.
        failure.compareAndSet(null, e);
      }
    }
  }
}
