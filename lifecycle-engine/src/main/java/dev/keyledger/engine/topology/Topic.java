package dev.keyledger.engine.topology;

import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic with its serdes, so that no code reads or writes it with the wrong ones.
 *
 * @param name full topic name
 * @param keySerde serde of the key
 * @param valueSerde serde of the value
 * @param compacted whether the topic is compacted (key material) rather than retained (logs)
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted) {}
