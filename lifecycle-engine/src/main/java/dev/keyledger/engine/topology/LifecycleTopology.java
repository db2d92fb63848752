package dev.keyledger.engine.topology;

import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.schemas.Codecs;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The lifecycle fold: commands topic -> {@code tenant-state} (RocksDB) -> event log, outcomes,
 * key-material tombstones and dead letters; plus the key-material table the workers and the edge
 * unwrap from. {@code KafkaStreams} is created elsewhere, so TopologyTestDriver can run this.
 */
public final class LifecycleTopology {

  private LifecycleTopology() {}

  public static void build(StreamsBuilder builder, Topics topics) {
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(Topics.TENANT_STATE_STORE), Serdes.String(), new CodecSerde<>(Codecs.TENANT_STATE)));

    builder.stream(topics.commands().name(), Consumed.with(topics.commands().keySerde(), topics.commands().valueSerde()))
        .process(() -> new CommandFoldProcessor(topics), Topics.TENANT_STATE_STORE)
        .to((key, routed, context) -> routed.topic(), Produced.with(Serdes.String(), Routed.SERDE)
            .withStreamPartitioner(new TenantPartitioner()::partitions));

    // Wrapped key bytes are held in memory only and restored from the compacted source topic itself
    // (StreamsConfig topology.optimization=reuse.ktable.source.topics): no RocksDB file and no changelog
    // ever holds a copy, so a tombstone plus compaction is a complete erasure.
    builder.table(topics.keyMaterial().name(),
        Consumed.with(topics.keyMaterial().keySerde(), topics.keyMaterial().valueSerde()),
        Materialized.<String, KeyMaterial>as(Stores.inMemoryKeyValueStore(Topics.KEY_MATERIAL_STORE))
            .withKeySerde(topics.keyMaterial().keySerde()).withValueSerde(topics.keyMaterial().valueSerde()));
  }
}
