package dev.keyledger.application.kafka;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.StateLayout;
import dev.keyledger.engine.topology.TenantStores;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last decoded state of each recently read tenant, with the DEK records read for it: a read
 * whose stored bytes equal the cached ones gets the cached state, so the data plane decodes a
 * tenant's state once per change, not once per request. DEK records change only with the tenant's
 * events, which change its state, so they are cached with it. Bounded; thread-safe.
 */
final class DecodedStates {

  /** A decoded state and the DEK records looked up for it, by version. */
  record Decoded(TenantState state, Map<Integer, DekState> deks, boolean complete) {}

  private record Entry(byte[] stored, Decoded decoded) {}

  private final Cache<String, Entry> cache;

  DecodedStates(long maxTenants) {
    this.cache = Caffeine.newBuilder().maximumSize(maxTenants).build();
  }

  /**
   * The state the bytes encode. A state in the pre-v4 layout is split as the fold will split it on
   * the tenant's next command, its DEK records then all known ({@code complete}).
   */
  Decoded decode(String tenant, byte[] stored) {
    Entry cached = cache.getIfPresent(tenant);
    if (cached != null && Arrays.equals(cached.stored(), stored)) {
      return cached.decoded();
    }
    TenantState state = TenantStores.decode(tenant, stored);
    Decoded decoded;
    if (StateLayout.isLegacy(state)) {
      StateLayout.Split split = StateLayout.split(state);
      Map<Integer, DekState> deks = new ConcurrentHashMap<>();
      split.deks().forEach(d -> deks.put(d.getDek().getVersion(), d));
      decoded = new Decoded(split.state(), deks, true);
    } else {
      decoded = new Decoded(state, new ConcurrentHashMap<>(), false);
    }
    cache.put(tenant, new Entry(stored, decoded));
    return decoded;
  }
}
