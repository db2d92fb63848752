package dev.keyledger.application.kafka;

import dev.keyledger.application.QueryResult;
import dev.keyledger.application.StateQueries;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.TenantIds;
import dev.keyledger.engine.topology.TenantPartitioner;
import dev.keyledger.engine.topology.Topics;
import dev.keyledger.projections.AuditKeys;
import dev.keyledger.projections.ChainReport;
import dev.keyledger.projections.ChainVerifier;
import dev.keyledger.projections.ProjectionsTopology;
import dev.keyledger.projections.query.AuditFilter;
import dev.keyledger.projections.query.AuditPage;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The {@link StateQueries} on Kafka Streams: interactive queries of the fold's and the projections'
 * stores, on the instance that owns the tenant's partition.
 */
public final class StreamsQueries implements StateQueries {

  private static final int RETRY_AFTER_SECONDS = 1;
  private static final StreamPartitioner<String, Object> PARTITIONER =
      new TenantPartitioner()::partitions;

  private final KafkaStreams streams;
  private final HostInfo self;

  /**
   * @param streams the running instance
   * @param self this instance's {@code application.server}
   */
  public StreamsQueries(KafkaStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
  }

  /** The fold's own state of a tenant: read-your-writes once a command's outcome is known. */
  @Override
  public QueryResult<TenantState> tenantState(String tenantId) {
    return onOwner(
        Topics.TENANT_STATE_STORE,
        tenantId,
        (ReadOnlyKeyValueStore<String, TenantState> store) ->
            QueryResult.ofNullable(store.get(tenantId)));
  }

  @Override
  public QueryResult<CommandOutcome> outcome(String tenantId, String commandId) {
    return onOwner(
        ProjectionsTopology.OUTCOME_STORE,
        tenantId,
        (ReadOnlyKeyValueStore<String, CommandOutcome> store) ->
            QueryResult.ofNullable(store.get(tenantId + "/" + commandId)));
  }

  /** A key-material record by its record key ({@code MaterialKeys}). */
  @Override
  public QueryResult<KeyMaterial> keyMaterial(String key) {
    return onOwner(
        Topics.KEY_MATERIAL_STORE,
        key,
        (ReadOnlyKeyValueStore<String, KeyMaterial> store) ->
            QueryResult.ofNullable(store.get(key)));
  }

  /** A page of the tenant's audit trail, newest first. */
  @Override
  public QueryResult<AuditPage> audit(String tenantId, AuditFilter filter) {
    return onOwner(
        ProjectionsTopology.AUDIT_STORE,
        tenantId,
        (ReadOnlyKeyValueStore<Bytes, byte[]> store) -> {
          List<EventEnvelope> page = new ArrayList<>();
          long lastSeq = 0;
          int scanned = 0;
          long start =
              filter.beforeSeq() == Long.MAX_VALUE ? Long.MAX_VALUE - 1 : filter.beforeSeq() - 1;
          if (start < 1) {
            return new QueryResult.Found<>(new AuditPage(page, null));
          }
          try (KeyValueIterator<Bytes, byte[]> it =
              store.range(AuditKeys.of(tenantId, start), AuditKeys.oldest(tenantId))) {
            while (it.hasNext()
                && page.size() < filter.limit()
                && scanned < AuditFilter.MAX_SCANNED) {
              EventEnvelope event = decode(it.next().value);
              scanned++;
              lastSeq = event.getSeq();
              if (filter.matches(event)) {
                page.add(event);
              }
            }
            boolean more = it.hasNext() && lastSeq > 1;
            return new QueryResult.Found<>(
                new AuditPage(page, more ? Long.toString(lastSeq) : null));
          }
        });
  }

  /** Re-walks the tenant's whole chain from the audit store. */
  @Override
  public QueryResult<ChainReport> verifyChain(String tenantId) {
    return onOwner(
        ProjectionsTopology.AUDIT_STORE,
        tenantId,
        (ReadOnlyKeyValueStore<Bytes, byte[]> store) -> {
          // Keys hold the reversed seq, so a reverse range walks the chain oldest first without
          // loading it whole.
          try (KeyValueIterator<Bytes, byte[]> it =
              store.reverseRange(
                  AuditKeys.of(tenantId, Long.MAX_VALUE - 1), AuditKeys.oldest(tenantId))) {
            Iterable<EventEnvelope> oldestFirst =
                () ->
                    new Iterator<>() {
                      @Override
                      public boolean hasNext() {
                        return it.hasNext();
                      }

                      @Override
                      public EventEnvelope next() {
                        return decode(it.next().value);
                      }
                    };
            return new QueryResult.Found<>(ChainVerifier.verify(oldestFirst));
          }
        });
  }

  /**
   * Every tenant state this instance owns now; nothing while the store is not queryable
   * (rebalancing).
   */
  @Override
  public void forEach(Consumer<TenantState> action) {
    ReadOnlyKeyValueStore<String, TenantState> store;
    try {
      store =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  Topics.TENANT_STATE_STORE, QueryableStoreTypes.keyValueStore()));
    } catch (InvalidStateStoreException e) {
      return;
    }
    try (KeyValueIterator<String, TenantState> it = store.all()) {
      it.forEachRemaining(
          kv -> {
            if (!TenantIds.PLATFORM.equals(kv.key)) {
              action.accept(kv.value);
            }
          });
    } catch (InvalidStateStoreException e) {
      // the store migrated mid-scan; the next round sees the new assignment
    }
  }

  private interface StoreRead<S, T> {
    QueryResult<T> read(S store);
  }

  private <K, V, T> QueryResult<T> onOwner(
      String storeName, String key, StoreRead<ReadOnlyKeyValueStore<K, V>, T> read) {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
      return new QueryResult.Unavailable<>(
          "the engine is " + state.name().toLowerCase(), RETRY_AFTER_SECONDS);
    }
    KeyQueryMetadata owner = streams.queryMetadataForKey(storeName, key, PARTITIONER);
    if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      return new QueryResult.Unavailable<>(
          "the owner of this tenant is not known yet (rebalancing)", RETRY_AFTER_SECONDS);
    }
    if (!owner.activeHost().equals(self)) {
      return new QueryResult.Remote<>(owner.activeHost().host(), owner.activeHost().port());
    }
    try {
      ReadOnlyKeyValueStore<K, V> store =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                      storeName, QueryableStoreTypes.<K, V>keyValueStore())
                  .withPartition(owner.partition()));
      return read.read(store);
    } catch (InvalidStateStoreException e) {
      return new QueryResult.Unavailable<>(
          "the store is migrating or restoring", RETRY_AFTER_SECONDS);
    }
  }

  private static EventEnvelope decode(byte[] bytes) {
    try {
      return Codecs.EVENTS.decode(bytes);
    } catch (UndecodableRecordException e) {
      throw new IllegalStateException(
          "audit store holds an undecodable event: " + e.getMessage(), e);
    }
  }
}
