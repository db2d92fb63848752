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
 * The replay's baseline: the same two inputs as {@code ProjectionsTopology} (the events topic, read
 * as the projection reads it: string key, raw bytes; and the outcomes topic), each through one
 * processor that forwards every record unchanged to an output topic of its own. No store, no
 * decoding: what Kafka Streams itself costs per record under the same settings and the same
 * sub-topology layout (two sub-topologies, so the same tasks and threads).
 */
final class ReplayPassThrough {

  private ReplayPassThrough() {}

  static String eventsOutput(Topics topics) {
    return topics.events().name() + ".pass-through";
  }

  static String outcomesOutput(Topics topics) {
    return topics.outcomes().name() + ".pass-through";
  }

  static void build(StreamsBuilder builder, Topics topics) {
    builder.stream(topics.events().name(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(Forward::new, Named.as("events-pass-through"))
        .to(eventsOutput(topics), Produced.with(Serdes.String(), Serdes.ByteArray()));
    builder.stream(topics.outcomes().name(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(Forward::new, Named.as("outcomes-pass-through"))
        .to(outcomesOutput(topics), Produced.with(Serdes.String(), Serdes.ByteArray()));
  }

  /** Forwards every record as it came. */
  private static final class Forward extends ContextualProcessor<String, byte[], String, byte[]> {
    @Override
    public void process(Record<String, byte[]> record) {
      context().forward(record);
    }
  }
}
