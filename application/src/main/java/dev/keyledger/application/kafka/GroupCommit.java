package dev.keyledger.application.kafka;

import dev.keyledger.application.LogUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: submitters queue their records (a command and its key material); one sender thread
 * takes everything queued, up to a bound, and writes it in one Kafka transaction, then completes
 * every submitter's {@link Entry#written} future, or fails all of them with the same cause when the
 * transaction failed (it was aborted, so nothing of the batch is visible to read_committed
 * readers). One producer writes the entries in queue order and a batch begins only after the
 * previous one ended, so what one submitter submits after another is written after it.
 *
 * <p>Failures: a batch whose transaction failed and was aborted cleanly fails alone; when the abort
 * fails too, the producer is closed and a new one (same transactional id, so its {@code
 * initTransactions} ends whatever the old one left open) is made for the next batch. A {@link
 * ProducerFencedException} means another producer took over the transactional id (a transaction the
 * coordinator timed out, or a twin instance with the same id): every submit then fails at once
 * ({@link #failure}) while the sender waits out a backoff (1 s, doubling to 30 s), then makes a new
 * producer, whose {@code initTransactions} fences the other one in turn, and writes again. A
 * producer is never used again after an error Kafka calls fatal; recreating it is the only way back
 * (as Jepsen's 2024 analysis of Kafka transactions advises). The sender thread never dies silently:
 * anything unexpected is logged, fails its batch, and the thread keeps serving; an {@link Error}
 * ends it, after which every submit fails.
 */
final class GroupCommit implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration LAST_BACKOFF = Duration.ofSeconds(30);
  private static final Duration QUIET_BEFORE_BACKOFF_RESETS = Duration.ofMinutes(5);

  /**
   * Bounds of the group commit.
   *
   * @param maxBatchCommands most commands in one transaction
   * @param maxBatchBytes most record bytes (keys and values) in one transaction; an entry larger
   *     than this goes alone
   * @param queueCapacity most commands queued and not yet taken by the sender (back-pressure)
   * @param enqueueWait how long a submit waits for room in a full queue before it fails
   * @param writeWait how long a submitter waits for its batch to end before it gives up (a safety
   *     net: the sender ends every batch within the producer's own timeouts)
   * @param drainOnClose how long {@link #close} lets the sender write what is queued before it
   *     fails the rest
   * @param commitAttempts how often a commit that timed out is tried (Kafka requires retrying a
   *     timed-out commit, its outcome being unknown until then)
   */
  record Limits(
      int maxBatchCommands,
      int maxBatchBytes,
      int queueCapacity,
      Duration enqueueWait,
      Duration writeWait,
      Duration drainOnClose,
      int commitAttempts) {

    static Limits defaults() {
      return new Limits(
          500,
          4 << 20,
          5_000,
          Duration.ofSeconds(5),
          Duration.ofSeconds(90),
          Duration.ofSeconds(5),
          3);
    }
  }

  /** One submission: its records, in the order they are to be sent, and its outcome. */
  static final class Entry {
    final String commandId;
    final List<ProducerRecord<String, byte[]>> records;
    final int bytes;

    /** Completed when the batch committed; failed with the batch's cause when it did not. */
    final CompletableFuture<Void> written = new CompletableFuture<>();

    Entry(String commandId, List<ProducerRecord<String, byte[]>> records, int bytes) {
      this.commandId = commandId;
      this.records = records;
      this.bytes = bytes;
    }
  }

  private final Supplier<Producer<String, byte[]>> producers;
  private final Limits limits;
  private final BlockingQueue<Entry> queue;
  private final Thread thread;
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong commands = new AtomicLong();
  private final AtomicLong failedBatches = new AtomicLong();
  private final AtomicLong fencings = new AtomicLong();
  private final AtomicLong producersReplaced = new AtomicLong();

  // Owned by the sender thread once started (before: by the starting thread); null between a
  // discarded producer and the next batch.
  private Producer<String, byte[]> producer;
  private Entry carry; // taken from the queue but too big for the batch it was taken for
  private volatile boolean stopping;
  private volatile boolean abandoned;
  private volatile boolean started;

  /**
   * Why this gateway writes no more for now (fenced, until a new producer took over) or for good
   * (its sender ended); null while it writes.
   */
  private volatile KafkaException failure;

  // Sender thread only: when fenced, the next try of a new producer and the backoff after it.
  private long retryFencedAtNanos;
  private long lastFencedAtNanos;
  private boolean fencedBefore;
  private Duration fencedBackoff = FIRST_BACKOFF;

  /**
   * @param producers makes a transactional producer (each call a new one, same transactional id)
   * @param threadName the sender thread's name
   */
  GroupCommit(Supplier<Producer<String, byte[]>> producers, Limits limits, String threadName) {
    this.producers = producers;
    this.limits = limits;
    this.queue = new ArrayBlockingQueue<>(limits.queueCapacity(), true);
    this.producer = producers.get();
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
  }

  /** Initializes transactions (fencing a predecessor), then starts the sender. */
  void start() {
    producer.initTransactions();
    started = true;
    thread.start();
  }

  /**
   * Queues an entry; its {@link Entry#written} then always ends, within the producer's timeouts.
   *
   * @throws LogUnavailableException when the queue stayed full for {@link Limits#enqueueWait}, the
   *     gateway is closed, or it writes no more; the entry was not queued
   */
  void enqueue(Entry entry) throws LogUnavailableException {
    if (!started) {
      throw new IllegalStateException("the command gateway is not started");
    }
    refuseIfStopped();
    boolean queued;
    try {
      queued = queue.offer(entry, limits.enqueueWait().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogUnavailableException("interrupted while queueing the command", e);
    }
    if (!queued) {
      throw new LogUnavailableException(
          "the command log is not keeping up: "
              + limits.queueCapacity()
              + " commands queued for more than "
              + limits.enqueueWait().toMillis()
              + " ms",
          null);
    }
    // close() may have drained the queue for the last time just before the offer: then nobody
    // else takes this entry, so take it back (if the sender or close took it, they end it).
    if ((stopping || failure != null) && queue.remove(entry)) {
      refuseIfStopped();
    }
  }

  private void refuseIfStopped() throws LogUnavailableException {
    KafkaException f = failure;
    if (f != null) {
      throw new LogUnavailableException(f.getMessage(), f);
    }
    if (stopping) {
      throw new LogUnavailableException("the command gateway is closed", null);
    }
  }

  /**
   * Takes an entry back if the sender has not taken it yet.
   *
   * @return true when it was still queued (so it will never be written)
   */
  boolean withdraw(Entry entry) {
    return queue.remove(entry);
  }

  Duration limitsWriteWait() {
    return limits.writeWait();
  }

  /** Transactions committed so far. */
  long transactions() {
    return transactions.get();
  }

  /** Commands written (committed) so far. */
  long commands() {
    return commands.get();
  }

  /** Batches failed so far (their transaction failed or was never begun). */
  long failedBatches() {
    return failedBatches.get();
  }

  /** Times this gateway's producer was fenced so far. */
  long fencings() {
    return fencings.get();
  }

  /** Producers made to replace a fenced or failed one so far. */
  long producersReplaced() {
    return producersReplaced.get();
  }

  /** Null while the gateway writes; else why it writes no more. */
  KafkaException failure() {
    return failure;
  }

  boolean senderAlive() {
    return thread.isAlive();
  }

  private void run() {
    List<Entry> batch = new ArrayList<>();
    try {
      while (!abandoned) {
        if (!nextBatch(batch)) {
          break;
        }
        try {
          write(batch);
        } catch (RuntimeException e) {
          LOG.error("command batch failed unexpectedly; the sender goes on", e);
          failedBatches.incrementAndGet();
          failAll(batch, new KafkaException("the command batch failed unexpectedly: " + e, e));
          discardProducer();
        }
        batch.clear();
      }
    } catch (InterruptedException e) {
      // close() gave up waiting for the queue to drain
    } catch (Error e) {
      LOG.error("the command sender thread ends: every later command fails", e);
      failure = new KafkaException("the command sender thread failed: " + e, e);
    } finally {
      KafkaException cause =
          failure != null ? failure : new KafkaException("the command gateway is closed");
      failAll(batch, cause);
      failQueued(cause);
      closeProducer(abandoned ? Duration.ZERO : Duration.ofSeconds(5));
    }
  }

  /** Fills {@code batch}; false when the gateway is closing and nothing is queued. */
  private boolean nextBatch(List<Entry> batch) throws InterruptedException {
    Entry first = carry;
    carry = null;
    while (first == null) {
      recoverFromFencingWhenDue();
      first = queue.poll(200, TimeUnit.MILLISECONDS);
      if (first == null && stopping) {
        return false;
      }
    }
    batch.add(first);
    long bytes = first.bytes;
    while (batch.size() < limits.maxBatchCommands()) {
      Entry next = queue.poll();
      if (next == null) {
        break;
      }
      if (bytes + next.bytes > limits.maxBatchBytes()) {
        carry = next;
        break;
      }
      batch.add(next);
      bytes += next.bytes;
    }
    return true;
  }

  private void write(List<Entry> batch) {
    KafkaException f = failure;
    if (f != null) {
      failedBatches.incrementAndGet();
      failAll(batch, f);
      return;
    }
    long start = System.nanoTime();
    try {
      if (producer == null) {
        try {
          producer = newProducer();
        } catch (KafkaException e) {
          failedBatches.incrementAndGet();
          LOG.warn(
              "command batch of {} failed: no producer ({}); the next batch tries again",
              batch.size(),
              e.toString());
          failAll(batch, e);
          return;
        }
      }
      producer.beginTransaction();
      for (Entry entry : batch) {
        for (ProducerRecord<String, byte[]> record : entry.records) {
          // A failed send fails the commit; one that failed at once (say, no metadata within
          // max.block.ms) ends the batch now rather than after each of its records waited too.
          failedAtOnce(producer.send(record));
        }
      }
      commit();
    } catch (KafkaException e) {
      failedBatches.incrementAndGet();
      long ms = (System.nanoTime() - start) / 1_000_000;
      if (fenced(e)) {
        fence(e);
      } else if (abortQuietly(e)) {
        LOG.warn(
            "command batch of {} failed after {} ms and was aborted: {}",
            batch.size(),
            ms,
            e.toString());
      } else if (fenced(e)) {
        fence(e);
      } else {
        LOG.warn(
            "command batch of {} failed after {} ms and its abort too; the producer is replaced: {}",
            batch.size(),
            ms,
            e.toString());
        discardProducer();
      }
      failAll(batch, e);
      return;
    }
    transactions.incrementAndGet();
    commands.addAndGet(batch.size());
    for (Entry entry : batch) {
      entry.written.complete(null);
    }
  }

  private static void failedAtOnce(Future<RecordMetadata> sent) {
    if (!sent.isDone()) {
      return;
    }
    try {
      sent.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof KafkaException k ? k : new KafkaException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
  }

  private void commit() {
    for (int attempt = 1; ; attempt++) {
      try {
        producer.commitTransaction();
        return;
      } catch (TimeoutException e) {
        if (attempt >= limits.commitAttempts() || abandoned) {
          throw e;
        }
        LOG.warn("commit timed out (attempt {}); retrying: {}", attempt, e.getMessage());
      }
    }
  }

  /**
   * After a fencing, once its backoff is over: a new producer (fencing whoever holds the id now).
   * Success lets submits in again; a failure waits out a longer backoff.
   */
  private void recoverFromFencingWhenDue() {
    if (stopping || producer != null || failure == null || System.nanoTime() < retryFencedAtNanos) {
      return;
    }
    try {
      producer = newProducer();
      LOG.warn(
          "the command producer writes again after being fenced ({} fencing(s) so far)",
          fencings.get());
      failure = null;
    } catch (KafkaException e) {
      LOG.warn("no new producer after being fenced ({}); trying again later", e.toString());
      scheduleRetryAfterFencing();
    }
  }

  /** Returns the wait until the next try: the backoff, which then doubles up to its bound. */
  private Duration scheduleRetryAfterFencing() {
    Duration wait = fencedBackoff;
    retryFencedAtNanos = System.nanoTime() + wait.toNanos();
    Duration doubled = wait.multipliedBy(2);
    fencedBackoff = doubled.compareTo(LAST_BACKOFF) > 0 ? LAST_BACKOFF : doubled;
    return wait;
  }

  private Producer<String, byte[]> newProducer() {
    Producer<String, byte[]> fresh = producers.get();
    try {
      fresh.initTransactions();
      producersReplaced.incrementAndGet();
      LOG.info("a new transactional producer replaced the failed one");
      return fresh;
    } catch (RuntimeException e) {
      try {
        fresh.close(Duration.ZERO);
      } catch (RuntimeException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
  }

  /** True when the abort worked (the producer can begin the next transaction). */
  private boolean abortQuietly(KafkaException cause) {
    try {
      producer.abortTransaction();
      return true;
    } catch (RuntimeException abortFailure) {
      cause.addSuppressed(abortFailure);
      return false;
    }
  }

  private void fence(KafkaException e) {
    fencings.incrementAndGet();
    long now = System.nanoTime();
    if (!fencedBefore || now - lastFencedAtNanos > QUIET_BEFORE_BACKOFF_RESETS.toNanos()) {
      fencedBackoff = FIRST_BACKOFF; // a fencing long after the last one is not a fight over the id
    }
    lastFencedAtNanos = now;
    fencedBefore = true;
    Duration wait = scheduleRetryAfterFencing();
    failure =
        new KafkaException(
            "the command producer was fenced: another producer took over its transactional id;"
                + " a new one is tried in "
                + wait.toSeconds()
                + " s ("
                + e.getMessage()
                + ")",
            e);
    LOG.error(
        "{}. Fenced {} time(s) so far: if this repeats, two instances share one instance id",
        failure.getMessage(),
        fencings.get());
    discardProducer();
    failQueued(failure);
  }

  private static boolean fenced(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ProducerFencedException) {
        return true;
      }
      for (Throwable s : t.getSuppressed()) {
        if (s instanceof ProducerFencedException) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private void discardProducer() {
    closeProducer(Duration.ZERO);
    producer = null;
  }

  private void closeProducer(Duration timeout) {
    if (producer == null) {
      return;
    }
    try {
      producer.close(timeout);
    } catch (RuntimeException e) {
      LOG.warn("while closing the producer: {}", e.toString());
    }
  }

  private static void failAll(List<Entry> batch, Throwable cause) {
    for (Entry entry : batch) {
      entry.written.completeExceptionally(cause);
    }
  }

  private void failQueued(Throwable cause) {
    if (carry != null) {
      carry.written.completeExceptionally(cause);
      carry = null;
    }
    List<Entry> left = new ArrayList<>();
    queue.drainTo(left);
    failAll(left, cause);
  }

  /**
   * Stops taking entries, lets the sender write what is queued for up to {@link
   * Limits#drainOnClose}, then interrupts it; whatever is left fails. Returns within about twice
   * that.
   */
  @Override
  public void close() {
    stopping = true;
    if (!started) {
      closeProducer(Duration.ofSeconds(5));
      return;
    }
    try {
      thread.join(limits.drainOnClose().toMillis());
      if (thread.isAlive()) {
        LOG.warn(
            "the command queue did not drain within {} ms; failing what is left",
            limits.drainOnClose().toMillis());
        abandoned = true;
        thread.interrupt();
        thread.join(limits.drainOnClose().toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("the command sender thread did not end; closing its producer under it");
      Producer<String, byte[]> p = producer;
      if (p != null) {
        try {
          p.close(Duration.ZERO);
        } catch (RuntimeException e) {
          LOG.warn("while closing the producer: {}", e.toString());
        }
      }
    }
    List<Entry> left = new ArrayList<>();
    queue.drainTo(left);
    failAll(left, new KafkaException("the command gateway is closed"));
  }
}
