package dev.keyledger.edge.service;

import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.event.KeyDeregistered;
import dev.keyledger.avro.event.TmkDestroyed;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.engine.topology.Topics;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Every instance reads the event log from its end and drops cached plaintext keys when a tenant's
 * BYOK ends or a TMK version is destroyed, whichever instance handled the command.
 */
public final class KeyEventsListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KeyEventsListener.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final TenantKeyring keyring;
  private final Thread thread;
  private volatile boolean running = true;

  public KeyEventsListener(Map<String, Object> clientProps, Topics topics, TenantKeyring keyring) {
    Map<String, Object> props = new HashMap<>(clientProps);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.keyring = keyring;
    List<TopicPartition> partitions = consumer.partitionsFor(topics.events().name(), Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(p -> consumer.position(p, Duration.ofSeconds(30)));
    this.thread = new Thread(this::run, "keyledger-key-events");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          apply(record);
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

  private void apply(ConsumerRecord<String, byte[]> record) {
    try {
      EventEnvelope event = Codecs.EVENTS.decode(record.value());
      if (event.getPayload() instanceof KeyDeregistered || event.getPayload() instanceof TmkDestroyed) {
        keyring.purge(event.getTenantId());
      }
    } catch (UndecodableRecordException e) {
      LOG.error("undecodable event at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
