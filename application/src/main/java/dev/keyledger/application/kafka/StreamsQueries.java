package dev.keyledger.application.kafka;

import dev.keyledger.application.QueryResult;
import dev.keyledger.application.Readiness;
import dev.keyledger.application.StateQueries;
import dev.keyledger.application.TenantView;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.alert.AlertState;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.StateLayout;
import dev.keyledger.engine.domain.TenantIds;
import dev.keyledger.engine.topology.DekKeys;
import dev.keyledger.engine.topology.TenantPartitioner;
import dev.keyledger.engine.topology.TenantStores;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

  /** The stores these queries read. */
  private static final List<String> QUERIED_STORES =
      List.of(
          Topics.TENANT_STATE_STORE,
          Topics.TENANT_DEKS_STORE,
          Topics.KEY_MATERIAL_STORE,
          ProjectionsTopology.AUDIT_STORE,
          ProjectionsTopology.OUTCOME_STORE,
          ProjectionsTopology.ALERT_STORE);

  private static final StreamPartitioner<String, Object> PARTITIONER =
      new TenantPartitioner()::partitions;

  private final KafkaStreams streams;
  private final HostInfo self;
  private final LocalTenantViews views;

  /**
   * @param streams the running instance
   * @param self this instance's {@code application.server}
   */
  /**
   * @param views what the instance's fold wrote (cleared on every assignment change)
   */
  public StreamsQueries(KafkaStreams streams, HostInfo self, LocalTenantViews views) {
    this.streams = streams;
    this.self = self;
    this.views = views;
  }

  /** The fold's own state of a tenant: read-your-writes once a command's outcome is known. */
  @Override
  public QueryResult<TenantState> tenantState(String tenantId) {
    return tenantView(tenantId).map(TenantView::state);
  }

  /** From the global table of the platform topic: the same on every instance. */
  @Override
  public QueryResult<TenantState> platformState() {
    try {
      ReadOnlyKeyValueStore<String, TenantState> store =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  Topics.PLATFORM_STORE, QueryableStoreTypes.<String, TenantState>keyValueStore()));
      return QueryResult.ofNullable(store.get(TenantIds.PLATFORM));
    } catch (InvalidStateStoreException | IllegalStateException e) {
      // IllegalStateException: KafkaStreams is not running (starting, shutting down)
      return new QueryResult.Unavailable<>(
          "the platform's state is not readable yet", RETRY_AFTER_SECONDS);
    }
  }

  /**
   * From the fold's own {@link LocalTenantViews} when it wrote the tenant since the last
   * assignment; otherwise from the owner's store.
   */
  @Override
  public QueryResult<TenantView> tenantView(String tenantId) {
    if (streams.state() == KafkaStreams.State.RUNNING) {
      LocalTenantViews.View known = views.get(tenantId).orElse(null);
      if (known != null) {
        return new QueryResult.Found<>(view(tenantId, known.state(), known.deks(), false));
      }
    }
    return onOwner(
        Topics.TENANT_STATE_STORE,
        tenantId,
        (ReadOnlyKeyValueStore<String, byte[]> store) -> {
          byte[] stored = store.get(tenantId);
          if (stored == null) {
            return new QueryResult.NotFound<>();
          }
          TenantState state = TenantStores.decode(tenantId, stored);
          // A pre-v4 state holds all its DEK records; otherwise they are read on demand.
          boolean legacy = StateLayout.isLegacy(state);
          StateLayout.Split split = StateLayout.split(state);
          Map<Integer, DekState> known = new ConcurrentHashMap<>();
          split.deks().forEach(d -> known.put(d.getDek().getVersion(), d));
          return new QueryResult.Found<>(view(tenantId, split.state(), known, legacy));
        });
  }

  /**
   * A view whose DEK lookups fill {@code known} from the DEK store, unless {@code complete} (known
   * holds every record).
   */
  private TenantView view(
      String tenantId, TenantState state, Map<Integer, DekState> known, boolean complete) {
    return new TenantView() {
      @Override
      public TenantState state() {
        return state;
      }

      @Override
      public QueryResult<DekState> dek(int version) {
        DekState found = known.get(version);
        if (found != null || complete) {
          return QueryResult.ofNullable(found);
        }
        QueryResult<DekState> read = readDek(tenantId, version);
        if (read instanceof QueryResult.Found<DekState> record) {
          known.put(version, record.value());
        }
        return read;
      }
    };
  }

  private QueryResult<DekState> readDek(String tenantId, int version) {
    try {
      ReadOnlyKeyValueStore<String, DekState> deks =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  Topics.TENANT_DEKS_STORE, QueryableStoreTypes.<String, DekState>keyValueStore()));
      return QueryResult.ofNullable(deks.get(DekKeys.of(tenantId, version)));
    } catch (InvalidStateStoreException e) {
      return new QueryResult.Unavailable<>(
          "the store is migrating or restoring", RETRY_AFTER_SECONDS);
    }
  }

  @Override
  public QueryResult<List<DekState>> deksNewestFirst(
      String tenantId, int beforeVersion, int limit) {
    QueryResult<TenantView> view = tenantView(tenantId);
    if (!(view instanceof QueryResult.Found<TenantView> found)) {
      return view instanceof QueryResult.NotFound<TenantView>
          ? new QueryResult.Found<>(List.of())
          : view.map(v -> List.of());
    }
    int top = Math.min(beforeVersion - 1, found.value().state().getLastDekVersion());
    List<DekState> page = new ArrayList<>(Math.max(0, Math.min(limit, top)));
    for (int version = top; version >= 1 && page.size() < limit; version--) {
      QueryResult<DekState> dek = found.value().dek(version);
      if (dek instanceof QueryResult.Found<DekState> record) {
        page.add(record.value());
      } else if (!(dek instanceof QueryResult.NotFound<DekState>)) {
        return dek.map(d -> List.of());
      }
    }
    return new QueryResult.Found<>(page);
  }

  @Override
  public QueryResult<CommandOutcome> outcome(String tenantId, String commandId) {
    return onOwner(
        ProjectionsTopology.OUTCOME_STORE,
        tenantId,
        (ReadOnlyKeyValueStore<String, CommandOutcome> store) ->
            QueryResult.ofNullable(store.get(tenantId + "/" + commandId)));
  }

  @Override
  public QueryResult<AlertState> alerts(String tenantId) {
    return onOwner(
        ProjectionsTopology.ALERT_STORE,
        tenantId,
        (ReadOnlyKeyValueStore<String, AlertState> store) ->
            QueryResult.ofNullable(store.get(tenantId)));
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
    ReadOnlyKeyValueStore<String, byte[]> store;
    try {
      store =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  Topics.TENANT_STATE_STORE, QueryableStoreTypes.keyValueStore()));
    } catch (InvalidStateStoreException e) {
      return;
    }
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      it.forEachRemaining(
          kv -> {
            if (!TenantIds.PLATFORM.equals(kv.key)) {
              action.accept(StateLayout.split(TenantStores.decode(kv.key, kv.value)).state());
            }
          });
    } catch (InvalidStateStoreException e) {
      // the store migrated mid-scan; the next round sees the new assignment
    }
  }

  /** An owned tenant's DEK records from {@code fromVersion} up; none while not queryable. */
  @Override
  public List<DekState> deks(String tenant, int fromVersion, int limit) {
    List<DekState> page = new ArrayList<>(limit);
    try {
      byte[] stored =
          streams
              .store(
                  StoreQueryParameters.fromNameAndType(
                      Topics.TENANT_STATE_STORE,
                      QueryableStoreTypes.<String, byte[]>keyValueStore()))
              .get(tenant);
      if (stored == null) {
        return page;
      }
      TenantState state = TenantStores.decode(tenant, stored);
      if (StateLayout.isLegacy(state)) {
        return StateLayout.split(state).deks().stream()
            .filter(d -> d.getDek().getVersion() >= fromVersion)
            .limit(limit)
            .toList();
      }
      ReadOnlyKeyValueStore<String, DekState> deks =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  Topics.TENANT_DEKS_STORE, QueryableStoreTypes.<String, DekState>keyValueStore()));
      try (KeyValueIterator<String, DekState> it =
          deks.range(DekKeys.of(tenant, fromVersion), DekKeys.of(tenant, Integer.MAX_VALUE))) {
        while (it.hasNext() && page.size() < limit) {
          page.add(it.next().value);
        }
      }
    } catch (InvalidStateStoreException e) {
      page.clear(); // rebalancing: the next round reads the new assignment
    }
    return page;
  }

  /**
   * Whether every store these queries read answers on this instance now (its local partitions):
   * down while one is restoring, migrating or not yet created, naming it.
   */
  public Readiness.Part storesState() {
    for (String name : QUERIED_STORES) {
      try {
        streams
            .store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()))
            .approximateNumEntries();
      } catch (InvalidStateStoreException | IllegalStateException e) {
        // IllegalStateException: KafkaStreams is not running (shutting down, failed)
        return Readiness.Part.down(name + ": " + e.getMessage());
      }
    }
    return Readiness.Part.up(String.join(", ", QUERIED_STORES) + " queryable");
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
