package dev.keyledger.application.kafka;

import dev.keyledger.application.Readiness;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.event.ByokEnded;
import dev.keyledger.avro.event.KeyDeregistered;
import dev.keyledger.avro.event.TmkDestroyed;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.engine.topology.Topics;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every instance reads the event log from its end and drops cached plaintext keys when a tenant's
 * BYOK ends or a TMK version is destroyed, whichever instance handled the command.
 */
public final class KeyEventsListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KeyEventsListener.class);

  private final TenantKeyring keyring;
  private final TopicTail tail;

  public KeyEventsListener(Map<String, Object> clientProps, Topics topics, TenantKeyring keyring) {
    this.keyring = keyring;
    this.tail =
        new TopicTail(clientProps, topics.events().name(), "keyledger-key-events", this::apply);
    this.tail.start();
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    try {
      EventEnvelope event = Codecs.EVENTS.decode(record.value());
      if (event.getPayload() instanceof KeyDeregistered
          || event.getPayload() instanceof TmkDestroyed
          || event.getPayload() instanceof ByokEnded) {
        keyring.purge(event.getTenantId());
      }
    } catch (UndecodableRecordException e) {
      LOG.error(
          "undecodable event at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
    }
  }

  /** Down once the reader of the event log stopped: erasures would then not reach this cache. */
  public Readiness.Part state() {
    return tail.state();
  }

  @Override
  public void close() {
    tail.close();
  }
}
