package dev.keyledger.edge.cli.log;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.engine.testing.TenantMemory;
import dev.keyledger.schemas.Codecs;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * An event log in memory, as the events topic's records: commands folded by the real fold ({@link
 * TenantMemory}), each event a record keyed by its tenant on partition 0, offsets in order.
 */
final class LogRecords {

  final TenantMemory fold = new TenantMemory();
  final List<EventEnvelope> events = new ArrayList<>();
  final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();

  /** Folds the commands and appends their events. */
  LogRecords fold(CommandEnvelope... commands) {
    for (CommandEnvelope command : commands) {
      fold.fold(command).events().forEach(this::append);
    }
    return this;
  }

  /** Appends one event as it is, sealed or not. */
  LogRecords append(EventEnvelope event) {
    events.add(event);
    return appendRaw(event.getTenantId(), Codecs.EVENTS.encode(event));
  }

  /** Appends a record with any value. */
  LogRecords appendRaw(String key, byte[] value) {
    records.add(new ConsumerRecord<>("kl.events", 0, records.size(), key, value));
    return this;
  }

  /** Hands every record to the sink, oldest first. */
  <T extends RecordSink> T into(T sink) {
    records.forEach(sink::accept);
    return sink;
  }
}
