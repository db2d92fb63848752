package dev.keyledger.engine.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A record the fold sends on, with the topic it goes to; {@code value} null is a tombstone.
 * {@link #SERDE} writes just the value bytes, so one sink serves every output topic.
 */
record Routed(String topic, byte[] value) {

  static final Serde<Routed> SERDE = Serdes.serdeFrom(
      (topic, routed) -> routed == null ? null : routed.value(),
      (topic, bytes) -> new Routed(topic, bytes));
}
