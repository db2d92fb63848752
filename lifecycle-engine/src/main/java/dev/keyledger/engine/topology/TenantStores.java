package dev.keyledger.engine.topology;

import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.DekRecords;
import dev.keyledger.engine.domain.StateLayout;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A tenant's state and its DEK records, in two RocksDB stores of one processor: the fold's, and the
 * projection that rebuilds it from the event log. A state written before schema v4 is moved to the
 * v4 layout ({@link StateLayout}) the first time it is read.
 *
 * <p>The states and DEK records this processor read or wrote last are also kept decoded, so a busy
 * tenant's next command decodes nothing. This is safe because only this processor writes its stores
 * and the records are never changed in place (the fold builds new ones); an instance lives from one
 * {@code init} of the processor to the next, and Streams calls {@code init} again after anything
 * that rewinds the stores (a restore, an aborted transaction's dirty close).
 */
public final class TenantStores {

  /** Decoded records kept per processor (one per task); a few MB at most. */
  private static final int DECODED_ENTRIES = 1024;

  private final KeyValueStore<String, byte[]> states;
  private final KeyValueStore<String, DekState> deks;
  private final Map<String, TenantState> decodedStates = lru();
  private final Map<String, DekState> decodedDeks = lru();

  private TenantStores(KeyValueStore<String, byte[]> states, KeyValueStore<String, DekState> deks) {
    this.states = states;
    this.deks = deks;
  }

  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(DECODED_ENTRIES * 2, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > DECODED_ENTRIES;
      }
    };
  }

  /**
   * Adds the two stores to a topology; name both when adding the processor that uses them. The
   * state store holds the encoded {@code TenantState} ({@link Codecs#TENANT_STATE}), so a reader
   * can tell an unchanged state by its bytes without decoding it. Both have Streams' record cache
   * ({@code statestore.cache.max.bytes}): a tenant written several times within one commit interval
   * sends one changelog record per store, not one per command; reads, interactive queries included,
   * see the cache.
   */
  public static void add(StreamsBuilder builder, String stateStore, String dekStore) {
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(stateStore), Serdes.String(), Serdes.ByteArray())
            .withCachingEnabled());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(dekStore),
                Serdes.String(),
                new CodecSerde<>(Codecs.DEK_STATE))
            .withCachingEnabled());
  }

  /** The stores of a processor, from its {@code init}. */
  public static TenantStores of(ProcessingContext context, String stateStore, String dekStore) {
    return new TenantStores(context.getStateStore(stateStore), context.getStateStore(dekStore));
  }

  /** The tenant's state in the v4 layout; the empty state for a tenant with no events. */
  public TenantState state(String tenant) {
    TenantState decoded = decodedStates.get(tenant);
    if (decoded != null) {
      return decoded;
    }
    byte[] stored = states.get(tenant);
    if (stored == null) {
      return TenantStates.empty(tenant);
    }
    TenantState state = decode(tenant, stored);
    if (StateLayout.isLegacy(state)) {
      StateLayout.Split split = StateLayout.split(state);
      write(tenant, split.state(), split.deks());
      return split.state();
    }
    decodedStates.put(tenant, state);
    return state;
  }

  /** The tenant's DEK records, read on demand. */
  public DekRecords deks(String tenant) {
    return new DekRecords() {
      @Override
      public Optional<DekState> version(int version) {
        String key = DekKeys.of(tenant, version);
        DekState decoded = decodedDeks.get(key);
        if (decoded == null) {
          decoded = deks.get(key);
          if (decoded != null) {
            decodedDeks.put(key, decoded);
          }
        }
        return Optional.ofNullable(decoded);
      }

      @Override
      public List<DekState> all() {
        List<DekState> all = new ArrayList<>();
        try (KeyValueIterator<String, DekState> it =
            deks.prefixScan(DekKeys.prefix(tenant), new StringSerializer())) {
          it.forEachRemaining(kv -> all.add(kv.value));
        }
        return all;
      }
    };
  }

  /** Calls {@code action} on every tenant's stored state (the platform's included), as stored. */
  public void forEachState(java.util.function.Consumer<TenantState> action) {
    try (KeyValueIterator<String, byte[]> it = states.all()) {
      it.forEachRemaining(kv -> action.accept(decode(kv.key, kv.value)));
    }
  }

  /** Writes the DEK records first, so a reader that sees the new state sees them too. */
  public void write(String tenant, TenantState state, List<DekState> dekWrites) {
    for (DekState dek : dekWrites) {
      String key = DekKeys.of(tenant, dek.getDek().getVersion());
      deks.put(key, dek);
      decodedDeks.put(key, dek);
    }
    states.put(tenant, Codecs.TENANT_STATE.encode(state));
    decodedStates.put(tenant, state);
  }

  /** A stored state; only this class writes the store, so bytes it cannot read are a defect. */
  public static TenantState decode(String tenant, byte[] stored) {
    try {
      return Codecs.TENANT_STATE.decode(stored);
    } catch (UndecodableRecordException e) {
      throw new IllegalStateException(
          "the state of tenant " + tenant + " is undecodable: " + e.getMessage(), e);
    }
  }
}
