package dev.keyledger.application.kafka;

import dev.keyledger.application.Readiness;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <p>A failure of the consumer or of the callback ends the thread: it is logged at ERROR and {@link
 * #state} then says the tail is stopped and why (the instance is no longer ready).
 */
public final class TopicTail implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final Consumer<ConsumerRecord<String, byte[]>> onRecord;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile RuntimeException failure;

  public TopicTail(
      Map<String, Object> clientProps,
      String topic,
      String threadName,
      Consumer<ConsumerRecord<String, byte[]>> onRecord) {
    Map<String, Object> props = new HashMap<>(clientProps);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    this.onRecord = onRecord;
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
  }

  /** Positions at the end of every partition, then starts following. */
  public void start() {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(p -> consumer.position(p, Duration.ofSeconds(30)));
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          onRecord.accept(record);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        stopped(e);
      }
    } catch (RuntimeException e) {
      stopped(e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void stopped(RuntimeException e) {
    failure = e;
    LOG.error("{} stopped following {}; this instance is not ready", thread.getName(), topic, e);
    // This thread ends here; an interrupt (Kafka's InterruptException keeps the flag set) would
    // only make the consumer's close fail and leave its connections open.
    Thread.interrupted();
  }

  /**
   * Ready while the thread follows the topic; down before {@link #start}, after {@link #close} and
   * after a failure (named in the detail).
   */
  public Readiness.Part state() {
    RuntimeException f = failure;
    if (f != null) {
      return Readiness.Part.down("stopped: " + f);
    }
    if (!running) {
      return Readiness.Part.down("closed");
    }
    return switch (thread.getState()) {
      case NEW -> Readiness.Part.down("not started");
      case TERMINATED -> Readiness.Part.down("stopped");
      default -> Readiness.Part.up("following " + topic);
    };
  }

  @Override
  public void close() {
    running = false;
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
