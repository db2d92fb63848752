package dev.keyledger.edge.cli.log;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Receives the event log's records, each partition's in offset order. A sink given to {@link
 * EventLog#read} is called from several threads at once, never for one partition from two: a
 * tenant's state may be kept without locks, the map of tenants must be concurrent.
 */
@FunctionalInterface
public interface RecordSink {

  /**
   * @param record a record of the events topic: key the tenant id, value an encoded {@code
   *     EventEnvelope} (or bytes that are not one)
   */
  void accept(ConsumerRecord<String, byte[]> record);
}
