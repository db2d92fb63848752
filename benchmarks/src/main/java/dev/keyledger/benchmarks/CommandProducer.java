package dev.keyledger.benchmarks;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.engine.topology.TenantPartitioner;
import dev.keyledger.engine.topology.Topics;
import dev.keyledger.schemas.Codecs;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes commands to the commands topic as the node's gateway does: keyed and partitioned by
 * tenant, encoded with {@code Codecs.COMMANDS}, idempotent, {@code acks=all}. Not transactional:
 * the benchmark sends no key material with them, and a plain record is visible at once.
 */
final class CommandProducer implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;

  CommandProducer(Map<String, Object> kafka, Topics topics) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, TenantPartitioner.class.getName());
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.topic = topics.commands().name();
  }

  /** Sends every command and returns once the broker has acknowledged all of them. */
  void sendAll(List<CommandEnvelope> commands) {
    AtomicReference<Exception> failure = new AtomicReference<>();
    for (CommandEnvelope command : commands) {
      producer.send(
          new ProducerRecord<>(topic, command.getTenantId(), Codecs.COMMANDS.encode(command)),
          (metadata, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            }
          });
    }
    producer.flush();
    if (failure.get() != null) {
      throw new IllegalStateException("could not produce the commands", failure.get());
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
