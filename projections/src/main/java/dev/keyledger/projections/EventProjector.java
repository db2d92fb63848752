package dev.keyledger.projections;

import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.DekChanges;
import dev.keyledger.engine.domain.Evolver;
import dev.keyledger.engine.topology.TenantStores;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each event to the tenant view and files its exact bytes in the audit store. A tenant
 * whose next event is not the one after the last applied (a {@code seq} gap: records lost from the
 * log) is not projected through it: its view and trail stop at the last event before the gap, and
 * the gap is logged at ERROR once per tenant, since applying past it would show a state the log
 * does not prove.
 */
final class EventProjector implements Processor<String, byte[], Void, Void> {

  private static final Logger LOG = LoggerFactory.getLogger(EventProjector.class);

  private final Set<String> stalled = new HashSet<>();
  private TenantStores views;
  private KeyValueStore<Bytes, byte[]> audit;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    views =
        TenantStores.of(
            context,
            ProjectionsTopology.TENANT_VIEW_STORE,
            ProjectionsTopology.TENANT_VIEW_DEKS_STORE);
    audit = context.getStateStore(ProjectionsTopology.AUDIT_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    EventEnvelope event;
    try {
      event = Codecs.EVENTS.decode(record.value());
    } catch (UndecodableRecordException e) {
      // Only the fold writes this topic; a record it cannot have written is reported and skipped.
      LOG.error(
          "event log record for key {} is undecodable and was skipped: {}",
          record.key(),
          e.getMessage());
      return;
    }
    String tenant = event.getTenantId();
    TenantState view = views.state(tenant);
    if (event.getSeq() <= view.getSeq()) {
      return; // already applied: the log is read at least once by a projection rebuilt from scratch
    }
    if (event.getSeq() != view.getSeq() + 1) {
      if (stalled.add(tenant)) {
        LOG.error(
            "tenant {}: event seq {} follows {}; the log has a gap, so this tenant's view and audit"
                + " trail stop at seq {} (the fold's own state is unaffected)",
            tenant,
            event.getSeq(),
            view.getSeq(),
            view.getSeq());
      }
      return;
    }
    DekChanges deks = new DekChanges(views.deks(tenant));
    views.write(tenant, Evolver.evolve(view, deks, event), deks.writes());
    audit.put(AuditKeys.of(tenant, event.getSeq()), record.value());
  }
}
