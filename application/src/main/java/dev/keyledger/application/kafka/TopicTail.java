package dev.keyledger.application.kafka;

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

/**
 * Follows every partition of a topic from its current end (committed records only), on a thread of
 * its own, handing each record to a callback. No consumer group: every instance sees everything.
 * {@link #start} returns once the positions are fixed, so nothing written afterwards is missed.
 */
public final class TopicTail implements AutoCloseable {

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final Consumer<ConsumerRecord<String, byte[]>> onRecord;
  private final Thread thread;
  private volatile boolean running = true;

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
        throw e;
      }
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
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
