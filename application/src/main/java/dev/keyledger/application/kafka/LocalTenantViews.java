package dev.keyledger.application.kafka;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.topology.TenantWrites;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenant states this instance's fold wrote since its partitions were last assigned, decoded,
 * with the DEK records read or written for them: the data plane answers from here without a store
 * read or a decode. Only the fold fills it ({@link TenantWrites}, before each outcome is sent), so
 * what it holds is never older than the store; readers that miss go to the store. {@link #clear} on
 * every change of the instance's assignment or restoration, since stores then change without the
 * fold. Bounded; thread-safe.
 */
public final class LocalTenantViews implements TenantWrites {

  /**
   * A tenant's state and the DEK records known for it, by version (records change only with the
   * state, so they stay valid as long as it does).
   */
  record View(TenantState state, Map<Integer, DekState> deks) {}

  private final Cache<String, View> views;

  /**
   * @param maxTenants how many tenants are kept (the least recently used go first)
   */
  public LocalTenantViews(long maxTenants) {
    this.views = Caffeine.newBuilder().maximumSize(maxTenants).build();
  }

  @Override
  public void written(String tenant, TenantState state, List<DekState> dekWrites) {
    // One stream thread writes a tenant, so this read-then-replace does not race another write.
    View before = views.getIfPresent(tenant);
    Map<Integer, DekState> deks = new ConcurrentHashMap<>();
    if (before != null) {
      deks.putAll(before.deks());
    }
    dekWrites.forEach(d -> deks.put(d.getDek().getVersion(), d));
    views.put(tenant, new View(state, deks));
  }

  Optional<View> get(String tenant) {
    return Optional.ofNullable(views.getIfPresent(tenant));
  }

  /** Forgets every tenant: the instance's partitions moved or its stores were restored. */
  public void clear() {
    views.invalidateAll();
  }
}
