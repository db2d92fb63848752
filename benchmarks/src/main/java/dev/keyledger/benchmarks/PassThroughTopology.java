package dev.keyledger.benchmarks;

import dev.keyledger.engine.topology.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The baseline: the commands topic, read as the fold reads it (string key, raw bytes), through one
 * processor that forwards each record unchanged to one output topic. No store, no decoding: what
 * Kafka Streams itself costs per record under the same settings.
 */
final class PassThroughTopology {

  private PassThroughTopology() {}

  static void build(StreamsBuilder builder, Topics topics, String output) {
    builder.stream(topics.commands().name(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(Forward::new, Named.as("pass-through"))
        .to(output, Produced.with(Serdes.String(), Serdes.ByteArray()));
  }

  /** Forwards every record as it came. */
  private static final class Forward extends ContextualProcessor<String, byte[], String, byte[]> {
    @Override
    public void process(Record<String, byte[]> record) {
      context().forward(record);
    }
  }
}
