package dev.keyledger.benchmarks;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.engine.topology.LifecycleTopology;
import dev.keyledger.engine.topology.Topics;
import dev.keyledger.schemas.Codecs;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * An event log written by the real fold, for the replay benchmarks ({@link ReplayThroughput},
 * {@link CliReplayThroughput}): the fleet's commands folded through {@code LifecycleTopology} under
 * exactly-once (untimed), the fold's stores read back, and the topics' extent read once from their
 * start.
 */
final class FoldedLog {

  static final String GUARANTEE = "exactly_once_v2";

  private FoldedLog() {}

  /** What the log holds, read once from its start (read_committed). */
  record Extent(
      long records, long bytes, long digestSum, Map<TopicPartition, Long> endAfterLastRecord) {}

  /**
   * Folds every history through the real fold under exactly-once (untimed), waits for every outcome
   * (each must be an acceptance), reads the fold's two stores and stops it.
   */
  static double seed(
      Map<String, Object> kafka,
      Topics topics,
      Path work,
      ReplayFleet fleet,
      Map<String, byte[]> foldStates,
      Map<String, byte[]> foldDeks)
      throws Exception {
    List<CommandEnvelope> commands = fleet.interleaved();
    System.out.printf(
        Locale.ROOT,
        "seeding: %,d commands through LifecycleTopology (exactly_once_v2)...%n",
        commands.size());
    long started = System.nanoTime();
    try (CommandProducer producer = new CommandProducer(kafka, topics);
        TopologyRunner fold =
            TopologyRunner.start(
                kafka,
                "replay-fold",
                work.resolve("replay-fold"),
                GUARANTEE,
                b -> LifecycleTopology.build(b, topics))) {
      producer.sendAll(commands);
      awaitAcceptedOutcomes(kafka, topics, commands.size(), fold);
      double seconds = (System.nanoTime() - started) / 1e9;
      ReadOnlyKeyValueStore<String, byte[]> states =
          store(fold, Topics.TENANT_STATE_STORE, QueryableStoreTypes.keyValueStore());
      try (KeyValueIterator<String, byte[]> it = states.all()) {
        it.forEachRemaining(kv -> foldStates.put(kv.key, kv.value));
      }
      ReadOnlyKeyValueStore<String, DekState> deks =
          store(fold, Topics.TENANT_DEKS_STORE, QueryableStoreTypes.keyValueStore());
      try (KeyValueIterator<String, DekState> it = deks.all()) {
        it.forEachRemaining(kv -> foldDeks.put(kv.key, Codecs.DEK_STATE.encode(kv.value)));
      }
      System.out.printf(
          Locale.ROOT,
          "seeded: %,d commands in %.1f s (%,.0f commands/s); fold stopped%n",
          commands.size(),
          seconds,
          commands.size() / seconds);
      return seconds;
    }
  }

  /** Reads the outcomes topic from its start until {@code expected} outcomes, all acceptances. */
  private static void awaitAcceptedOutcomes(
      Map<String, Object> kafka, Topics topics, long expected, TopologyRunner fold)
      throws Exception {
    try (KafkaConsumer<String, byte[]> consumer = fromStart(kafka, topics.outcomes().name())) {
      long seen = 0;
      long started = System.nanoTime();
      long lastProgress = started;
      long lastNew = started;
      while (seen < expected) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          CommandOutcome outcome = Codecs.OUTCOMES.decode(record.value());
          if (!outcome.getAccepted()) {
            throw new IllegalStateException("seeding: a command was refused: " + outcome);
          }
          seen++;
          lastNew = System.nanoTime();
        }
        fold.checkHealthy();
        long now = System.nanoTime();
        if (now - lastNew > Duration.ofMinutes(3).toNanos()) {
          throw new IllegalStateException("seeding stalled at " + seen + " outcomes");
        }
        if (now - lastProgress > Duration.ofSeconds(10).toNanos()) {
          double s = (now - started) / 1e9;
          System.out.printf(
              Locale.ROOT,
              "  seeding: %,d / %,d folded (%.0f %%), %,.0f commands/s, load %.2f%n",
              seen,
              expected,
              100.0 * seen / expected,
              seen / s,
              LoadAverage.oneMinute());
          lastProgress = now;
        }
      }
    }
  }

  /** A store of a running client, retried for a while if it is not queryable yet. */
  static <T> T store(TopologyRunner runner, String name, QueryableStoreType<T> type) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return runner.streams().store(StoreQueryParameters.fromNameAndType(name, type));
      } catch (InvalidStateStoreException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        try {
          // Back-off between retries of a bounded read while the instance settles.
          Thread.sleep(50);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Reads a topic from its start to its end: record count, bytes, digest sum, last offsets. */
  static Extent extent(Map<String, Object> kafka, String topic) throws Exception {
    try (KafkaConsumer<String, byte[]> consumer = fromStart(kafka, topic)) {
      Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
      Map<TopicPartition, Long> afterLast = new HashMap<>();
      long records = 0;
      long bytes = 0;
      long digests = 0;
      long lastNew = System.nanoTime();
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          records++;
          bytes += record.serializedValueSize();
          digests += digest(record.value());
          afterLast.merge(
              new TopicPartition(record.topic(), record.partition()),
              record.offset() + 1,
              Math::max);
          lastNew = System.nanoTime();
        }
        if (System.nanoTime() - lastNew > Duration.ofSeconds(10).toNanos()) {
          break; // only transaction markers left, which a read_committed reader may not step over
        }
      }
      return new Extent(records, bytes, digests, afterLast);
    }
  }

  private static KafkaConsumer<String, byte[]> fromStart(Map<String, Object> kafka, String topic) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    consumer
        .partitionsFor(topic)
        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  /** The first 8 bytes of the value's SHA-256, for an order-independent sum over many values. */
  static long digest(byte[] value) {
    try {
      return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(value)).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
