package dev.keyledger.application.kafka;

import dev.keyledger.application.Readiness;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every partition of a topic from its current end (committed records only), on a thread of
 * its own, handing each record to a callback. No consumer group: every instance sees everything.
 * {@link #start} returns once the positions are fixed, so nothing written afterwards is missed.
 *
 * <p>It heals itself: when the consumer fails, the failure is logged at ERROR, {@link #state} says
 * the tail is recovering and why (the instance is not ready), and after a backoff ({@link
 * #FIRST_BACKOFF}, doubling up to {@link #MAX_BACKOFF}) a new consumer resumes where the old one
 * stopped, so no record is missed. A callback that fails on one record is logged with the record's
 * position and the record is skipped: one bad record never stops the tail.
 */
public final class TopicTail implements AutoCloseable {

  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);

  private final Map<String, Object> props;
  private final String topic;
  private final Consumer<ConsumerRecord<String, byte[]>> onRecord;
  private final Thread thread;
  private final CountDownLatch closed = new CountDownLatch(1);

  /**
   * The next offset to read per partition; written by {@link #start}, then by the tail's thread.
   */
  private final Map<TopicPartition, Long> next = new HashMap<>();

  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile boolean running = true;
  private volatile RuntimeException failure;
  private volatile int restarts;

  public TopicTail(
      Map<String, Object> clientProps,
      String topic,
      String threadName,
      Consumer<ConsumerRecord<String, byte[]>> onRecord) {
    this.props = new HashMap<>(clientProps);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = newConsumer();
    this.topic = topic;
    this.onRecord = onRecord;
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
  }

  private KafkaConsumer<String, byte[]> newConsumer() {
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Positions at the end of every partition, then starts following. */
  public void start() {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(p -> next.put(p, consumer.position(p, Duration.ofSeconds(30))));
    thread.start();
  }

  private void run() {
    Duration backoff = FIRST_BACKOFF;
    while (running) {
      try {
        follow();
      } catch (WakeupException e) {
        if (running) {
          failed(e);
        }
      } catch (RuntimeException e) {
        failed(e);
      } finally {
        // Kafka's InterruptException keeps the flag set; it would only make close fail.
        Thread.interrupted();
        closeQuietly();
      }
      if (!running || awaitClose(backoff)) {
        return;
      }
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
      resume();
    }
  }

  private void follow() {
    while (running) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
        try {
          onRecord.accept(record);
        } catch (RuntimeException e) {
          LOG.error(
              "{}: the record at {}-{}@{} could not be handled and was skipped",
              thread.getName(),
              record.topic(),
              record.partition(),
              record.offset(),
              e);
        }
        next.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
      }
      if (failure != null) {
        LOG.info("{} follows {} again (restart {})", thread.getName(), topic, restarts);
        failure = null;
      }
    }
  }

  private void closeQuietly() {
    try {
      consumer.close(Duration.ofSeconds(2));
    } catch (RuntimeException e) {
      LOG.warn("{}: closing the failed consumer: {}", thread.getName(), e.toString());
    }
  }

  /** A new consumer at the positions the failed one reached. */
  private void resume() {
    try {
      consumer = newConsumer();
      consumer.assign(next.keySet());
      next.forEach(consumer::seek);
      restarts++;
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  private void failed(RuntimeException e) {
    failure = e;
    LOG.error(
        "{} stopped following {}; this instance is not ready until it resumes",
        thread.getName(),
        topic,
        e);
  }

  /** Waits out a backoff; true when the tail was closed meanwhile. */
  private boolean awaitClose(Duration backoff) {
    try {
      return closed.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.interrupted(); // an interrupt is one more failure, not a reason to stop following
      return !running;
    }
  }

  /**
   * Ready while the thread follows the topic; down before {@link #start}, after {@link #close} and
   * while it recovers from a failure (named in the detail).
   */
  public Readiness.Part state() {
    RuntimeException f = failure;
    if (!running) {
      return Readiness.Part.down("closed");
    }
    if (f != null) {
      return Readiness.Part.down("recovering (restart " + (restarts + 1) + ") after: " + f);
    }
    return switch (thread.getState()) {
      case NEW -> Readiness.Part.down("not started");
      case TERMINATED -> Readiness.Part.down("stopped");
      default ->
          Readiness.Part.up(
              "following " + topic + (restarts == 0 ? "" : " (restarted " + restarts + " times)"));
    };
  }

  /** How many times the tail resumed with a new consumer after a failure. */
  public int restarts() {
    return restarts;
  }

  @Override
  public void close() {
    running = false;
    closed.countDown();
    if (!thread.isAlive()) {
      if (thread.getState() == Thread.State.NEW) {
        consumer.close(Duration.ofSeconds(2));
      }
      return;
    }
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
