package dev.keyledger.projections;

import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.alert.Alert;
import dev.keyledger.avro.alert.AlertState;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each event to its tenant's alerts ({@link AlertRules}) and sends every alert opened or
 * resolved to the alerts topic, keyed by tenant id.
 */
final class AlertProjector extends ContextualProcessor<String, byte[], String, Alert> {

  private static final Logger LOG = LoggerFactory.getLogger(AlertProjector.class);

  private KeyValueStore<String, AlertState> alerts;

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    super.init(context);
    alerts = context.getStateStore(ProjectionsTopology.ALERT_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    EventEnvelope event;
    try {
      event = Codecs.EVENTS.decode(record.value());
    } catch (UndecodableRecordException e) {
      LOG.error(
          "event for key {} undecodable, no alerts from it: {}", record.key(), e.getMessage());
      return;
    }
    String tenant = event.getTenantId();
    AlertState state = alerts.get(tenant);
    AlertRules.Applied applied =
        AlertRules.apply(state == null ? AlertRules.empty(tenant) : state, event);
    if (applied.state() == state) {
      return;
    }
    alerts.put(tenant, applied.state());
    long now = event.getOccurredAt().toEpochMilli();
    for (Alert alert : applied.changes()) {
      context().forward(new Record<>(tenant, alert, now));
    }
  }
}
