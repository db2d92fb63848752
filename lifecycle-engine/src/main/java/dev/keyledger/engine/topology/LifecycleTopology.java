package dev.keyledger.engine.topology;

import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.schemas.Codecs;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The lifecycle fold: commands topic -> {@code tenant-state} and {@code tenant-deks} (RocksDB) ->
 * one named sink per output (event log, outcomes, key-material tombstones, the platform's state,
 * dead letters, claims), each writing with its {@link Topic}'s serdes; the claims processor in
 * front of it (claims topic -> {@code resource-claims} -> commands topic); plus the key-material
 * table the workers and the edge unwrap from, and the platform's state as a global table (every
 * instance reads the waiver versions in force). {@code KafkaStreams} is created elsewhere, so
 * TopologyTestDriver can run this.
 */
public final class LifecycleTopology {

  /** The processor that folds commands into {@code tenant-state}. */
  public static final String FOLD = "command-fold";

  /** Sink of the event log, partitioned by tenant. */
  public static final String EVENTS_SINK = "events-sink";

  /** Sink of the command outcomes, partitioned by tenant. */
  public static final String OUTCOMES_SINK = "outcomes-sink";

  /** Sink of the key-material tombstones (erasure), partitioned by tenant. */
  public static final String KEY_MATERIAL_TOMBSTONES_SINK = "key-material-tombstones-sink";

  /** The node that tells of each record the key-material table stored. */
  public static final String KEY_MATERIAL_ARRIVALS = "key-material-arrivals";

  /** Sink of the platform's state after each platform command (waiver versions). */
  public static final String PLATFORM_SINK = "platform-sink";

  /** Sink of the commands that could not be folded, as they arrived, with their own key. */
  public static final String DEAD_LETTER_SINK = "dead-letter-sink";

  /** Sink of what each folded command did to its tenant's claims ({@code SettleClaims}). */
  public static final String CLAIMS_SINK = "claims-sink";

  /** The processor that decides claims on resources, reading the claims topic. */
  public static final String CLAIMS = "claims";

  /** Sink of the claims processor to the commands topic, partitioned by tenant. */
  public static final String CLAIMS_TO_COMMANDS_SINK = "claims-to-commands-sink";

  /** Sink of the claims processor's undecodable records. */
  public static final String CLAIMS_DEAD_LETTER_SINK = "claims-dead-letter-sink";

  /**
   * Scope of the fold's own Kafka Streams metrics (group {@code stream-keyledger-metrics}, tag
   * {@code keyledger-id} = {@link #FOLD}).
   */
  public static final String METRICS_SCOPE = "keyledger";

  /**
   * The fold's dead-letter sensor: metrics {@code dead-letters-total} and {@code dead-letters-rate}
   * per stream thread; {@code kafka_stream_keyledger_dead_letters_total} in Prometheus.
   */
  public static final String DEAD_LETTERS_METRIC = "dead-letters";

  private LifecycleTopology() {}

  /**
   * Adds the fold and the key-material table to {@code builder}. Build the topology with {@link
   * StreamsProperties} ({@code builder.build(props)}): the erasure relies on its optimization.
   */
  public static void build(StreamsBuilder builder, Topics topics) {
    build(builder, topics, TenantWrites.NONE);
  }

  /**
   * As {@link #build(StreamsBuilder, Topics)}, telling {@code writes} of every state the fold
   * writes.
   */
  public static void build(StreamsBuilder builder, Topics topics, TenantWrites writes) {
    build(builder, topics, writes, KeyMaterialArrivals.NONE);
  }

  /**
   * As {@link #build(StreamsBuilder, Topics, TenantWrites)}, also telling {@code arrivals} of every
   * record the key-material table stores.
   */
  public static void build(
      StreamsBuilder builder, Topics topics, TenantWrites writes, KeyMaterialArrivals arrivals) {
    TenantStores.add(builder, Topics.TENANT_STATE_STORE, Topics.TENANT_DEKS_STORE);
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(Topics.FOLD_MARKS_STORE),
            Serdes.String(),
            Serdes.String()));

    // The fold forwards each output to its sink by name, all within the task of the command, so the
    // events and the outcome of one command commit in the same transaction, events first.
    KStream<String, Object> folded =
        builder.stream(
                topics.commands().name(),
                Consumed.with(topics.commands().keySerde(), topics.commands().valueSerde()))
            .process(
                () -> new CommandFoldProcessor(topics, writes),
                Named.as(FOLD),
                Topics.TENANT_STATE_STORE,
                Topics.TENANT_DEKS_STORE,
                Topics.FOLD_MARKS_STORE);
    TenantPartitioner byTenant = new TenantPartitioner();
    folded.to(
        topics.events().name(),
        produced(EVENTS_SINK, topics.events()).withStreamPartitioner(byTenant));
    folded.to(
        topics.outcomes().name(),
        produced(OUTCOMES_SINK, topics.outcomes()).withStreamPartitioner(byTenant));
    folded.to(
        topics.keyMaterial().name(),
        produced(KEY_MATERIAL_TOMBSTONES_SINK, topics.keyMaterial())
            .withStreamPartitioner(byTenant));
    folded.to(
        topics.platform().name(),
        produced(PLATFORM_SINK, topics.platform()).withStreamPartitioner(byTenant));
    // A dead letter's key may be anything, even null: the producer's default partitioning copes.
    folded.to(topics.deadLetter().name(), produced(DEAD_LETTER_SINK, topics.deadLetter()));
    folded.to(topics.claims().name(), produced(CLAIMS_SINK, topics.claims()));

    // Wrapped key bytes are held in memory only and restored from the compacted source topic itself
    // (StreamsConfig topology.optimization=reuse.ktable.source.topics): no RocksDB file and no
    // changelog ever holds a copy, so a tombstone plus compaction is a complete erasure. No record
    // cache either: a record is in the store, and its arrival told, as soon as it is read.
    builder
        .table(
            topics.keyMaterial().name(),
            Consumed.with(topics.keyMaterial().keySerde(), topics.keyMaterial().valueSerde()),
            Materialized.<String, KeyMaterial>as(
                    Stores.inMemoryKeyValueStore(Topics.KEY_MATERIAL_STORE))
                .withKeySerde(topics.keyMaterial().keySerde())
                .withValueSerde(topics.keyMaterial().valueSerde())
                .withCachingDisabled())
        .toStream(Named.as(KEY_MATERIAL_ARRIVALS + "-stream"))
        .foreach(
            (materialKey, material) -> arrivals.arrived(materialKey),
            Named.as(KEY_MATERIAL_ARRIVALS));

    platformTable(builder, topics);
    // Added last so that the sub-topologies (and task ids) above keep their numbers.
    claims(builder, topics, byTenant);
  }

  /**
   * The claims processor: the claims topic (one partition) -> {@code resource-claims} -> each
   * tenant's partition of the commands topic.
   */
  private static void claims(StreamsBuilder builder, Topics topics, TenantPartitioner byTenant) {
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(Topics.RESOURCE_CLAIMS_STORE),
            Serdes.String(),
            new CodecSerde<>(Codecs.RESOURCE_CLAIM)));
    KStream<String, byte[]> routed =
        builder.stream(
                topics.claims().name(),
                Consumed.with(topics.claims().keySerde(), topics.claims().valueSerde()))
            .process(ClaimsProcessor::new, Named.as(CLAIMS), Topics.RESOURCE_CLAIMS_STORE);
    routed.to(
        topics.commands().name(),
        Produced.<String, byte[]>as(CLAIMS_TO_COMMANDS_SINK)
            .withKeySerde(topics.commands().keySerde())
            .withValueSerde(topics.commands().valueSerde())
            .withStreamPartitioner(byTenant));
    routed.to(
        topics.deadLetter().name(),
        Produced.<String, byte[]>as(CLAIMS_DEAD_LETTER_SINK)
            .withKeySerde(topics.deadLetter().keySerde())
            .withValueSerde(topics.deadLetter().valueSerde()));
  }

  /**
   * The platform's state on every instance: a global table of the platform topic, in memory
   * (restored from the compacted topic on start; it holds one small record).
   */
  private static void platformTable(StreamsBuilder builder, Topics topics) {
    builder.globalTable(
        topics.platform().name(),
        Consumed.with(topics.platform().keySerde(), topics.platform().valueSerde()),
        Materialized.<String, TenantState>as(Stores.inMemoryKeyValueStore(Topics.PLATFORM_STORE))
            .withKeySerde(topics.platform().keySerde())
            .withValueSerde(topics.platform().valueSerde()));
  }

  // Safe: CommandFoldProcessor forwards to each sink only values of that sink's topic.
  @SuppressWarnings("unchecked")
  private static Produced<String, Object> produced(String sink, Topic<String, ?> topic) {
    return Produced.<String, Object>as(sink)
        .withKeySerde(topic.keySerde())
        .withValueSerde((Serde<Object>) topic.valueSerde());
  }
}
