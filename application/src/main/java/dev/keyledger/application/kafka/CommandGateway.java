package dev.keyledger.application.kafka;

import dev.keyledger.application.CommandLog;
import dev.keyledger.application.LogUnavailableException;
import dev.keyledger.application.Submission;
import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.engine.domain.MaterialKeys;
import dev.keyledger.engine.topology.TenantPartitioner;
import dev.keyledger.engine.topology.Topics;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CommandLog} on Kafka: writes a command to the commands topic and waits for its
 * outcome. A command and the wrapped key material it introduces are written in one Kafka
 * transaction, so the fold never sees one without the other. Outcomes are read from the outcomes
 * topic (read_committed) by one thread that was positioned at the end before the first submit, so
 * no outcome can be missed.
 */
public final class CommandGateway implements CommandLog, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CommandGateway.class);

  private final Topics topics;
  private final KafkaProducer<String, byte[]> producer;
  private final TopicTail outcomes;
  private final Map<String, CompletableFuture<CommandOutcome>> waiting = new ConcurrentHashMap<>();

  /**
   * @param clientProps Kafka client settings (at least {@code bootstrap.servers}); passed through
   * @param instanceId stable per instance: it names the transactional id, so a restarted instance
   *     fences its predecessor
   */
  public CommandGateway(Map<String, Object> clientProps, Topics topics, String instanceId) {
    this.topics = topics;
    Map<String, Object> producerProps = new HashMap<>(clientProps);
    producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "keyledger-edge-" + instanceId);
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    producerProps.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, TenantPartitioner.class.getName());
    this.producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
    this.outcomes =
        new TopicTail(clientProps, topics.outcomes().name(), "keyledger-outcomes", this::complete);
  }

  /**
   * Initializes transactions and positions the outcome reader at the end; returns when both are
   * done.
   */
  public void start() {
    producer.initTransactions();
    outcomes.start();
  }

  /**
   * Writes the command (and its key material) and waits up to {@code wait} for the fold's outcome.
   *
   * @throws LogUnavailableException when Kafka did not take the command; nothing was written
   */
  @Override
  public Submission submit(CommandEnvelope command, List<KeyMaterial> material, Duration wait)
      throws LogUnavailableException {
    CompletableFuture<CommandOutcome> outcome = new CompletableFuture<>();
    waiting.put(command.getCommandId(), outcome);
    try {
      send(command, material);
    } catch (KafkaException e) {
      waiting.remove(command.getCommandId());
      throw new LogUnavailableException("the command log is not reachable: " + e.getMessage(), e);
    }
    try {
      return new Submission.Decided(outcome.get(wait.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return new Submission.Pending(command.getCommandId());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Submission.Pending(command.getCommandId());
    } catch (ExecutionException e) {
      throw new IllegalStateException("outcome future cannot fail", e);
    } finally {
      waiting.remove(command.getCommandId());
    }
  }

  // One transaction at a time per producer; commands are rare (rate limited), so a lock is enough.
  private synchronized void send(CommandEnvelope command, List<KeyMaterial> material) {
    producer.beginTransaction();
    try {
      for (KeyMaterial km : material) {
        producer.send(
            new ProducerRecord<>(
                topics.keyMaterial().name(), MaterialKeys.of(km), Codecs.KEY_MATERIAL.encode(km)));
      }
      producer.send(
          new ProducerRecord<>(
              topics.commands().name(), command.getTenantId(), Codecs.COMMANDS.encode(command)));
      producer.commitTransaction();
    } catch (KafkaException e) {
      abortQuietly(e);
      throw e;
    }
  }

  private void abortQuietly(KafkaException cause) {
    try {
      producer.abortTransaction();
    } catch (KafkaException abortFailure) {
      cause.addSuppressed(abortFailure);
    }
  }

  private void complete(ConsumerRecord<String, byte[]> record) {
    try {
      CommandOutcome outcome = Codecs.OUTCOMES.decode(record.value());
      CompletableFuture<CommandOutcome> future = waiting.get(outcome.getCommandId());
      if (future != null) {
        future.complete(outcome);
      }
    } catch (UndecodableRecordException e) {
      LOG.error(
          "undecodable outcome at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
    }
  }

  @Override
  public void close() {
    outcomes.close();
    producer.close(Duration.ofSeconds(5));
  }
}
