package dev.keyledger.projections;

import dev.keyledger.engine.topology.CodecSerde;
import dev.keyledger.engine.topology.TenantStores;
import dev.keyledger.engine.topology.Topics;
import dev.keyledger.schemas.Codecs;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * Read models folded from the event log: the tenant view (the same {@code evolve} as the fold, so a
 * replay rebuilds it bit for bit), the audit trail (newest first per tenant) and command outcomes
 * (for requests answered 202 before their outcome arrived), and the alerts ({@link AlertRules}),
 * each one opened or resolved also sent to the alerts topic.
 */
public final class ProjectionsTopology {

  public static final String TENANT_VIEW_STORE = "tenant-view";
  public static final String TENANT_VIEW_DEKS_STORE = "tenant-view-deks";
  public static final String AUDIT_STORE = "audit-log";
  public static final String OUTCOME_STORE = "command-outcomes";
  public static final String ALERT_STORE = "alerts";

  private ProjectionsTopology() {}

  public static void build(StreamsBuilder builder, Topics topics) {
    TenantStores.add(builder, TENANT_VIEW_STORE, TENANT_VIEW_DEKS_STORE);
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(AUDIT_STORE), Serdes.Bytes(), Serdes.ByteArray()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(OUTCOME_STORE),
            Serdes.String(),
            new CodecSerde<>(Codecs.OUTCOMES)));

    builder.stream(topics.events().name(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(EventProjector::new, TENANT_VIEW_STORE, TENANT_VIEW_DEKS_STORE, AUDIT_STORE);
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(ALERT_STORE),
            Serdes.String(),
            new CodecSerde<>(Codecs.ALERT_STATE)));

    builder.stream(topics.events().name(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(AlertProjector::new, ALERT_STORE)
        .to(
            topics.alerts().name(),
            Produced.with(topics.alerts().keySerde(), topics.alerts().valueSerde()));
    builder.stream(
            topics.outcomes().name(),
            Consumed.with(topics.outcomes().keySerde(), topics.outcomes().valueSerde()))
        .process(OutcomeProjector::new, OUTCOME_STORE);
  }
}
