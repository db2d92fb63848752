package dev.keyledger.engine.testing;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.DekRecords;
import dev.keyledger.engine.domain.Fold;
import dev.keyledger.engine.domain.TenantStates;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Tenant states and their DEK records in memory, as the fold's two stores hold them: for tests and
 * benchmarks that fold with the real {@link Fold}. Not thread-safe; callers lock.
 */
public final class TenantMemory {

  private final Map<String, TenantState> states = new LinkedHashMap<>();
  private final Map<String, NavigableMap<Integer, DekState>> deks = new LinkedHashMap<>();

  /** Folds one command into the tenant's state and DEK records. */
  public Fold.Result fold(CommandEnvelope command) {
    String tenant = command.getTenantId();
    Fold.Result result = Fold.apply(state(tenant), deks(tenant), command);
    write(tenant, result);
    return result;
  }

  /** Stores what a fold made. */
  public void write(String tenant, Fold.Result result) {
    NavigableMap<Integer, DekState> records = records(tenant);
    result.dekWrites().forEach(d -> records.put(d.getDek().getVersion(), d));
    states.put(tenant, result.state());
  }

  public TenantState state(String tenant) {
    return states.getOrDefault(tenant, TenantStates.empty(tenant));
  }

  /** Every tenant with a state, in order of first command. */
  public List<TenantState> states() {
    return List.copyOf(states.values());
  }

  /** A live view of the tenant's DEK records. */
  public DekRecords deks(String tenant) {
    NavigableMap<Integer, DekState> records = records(tenant);
    return new DekRecords() {
      @Override
      public Optional<DekState> version(int version) {
        return Optional.ofNullable(records.get(version));
      }

      @Override
      public List<DekState> all() {
        return new ArrayList<>(records.values());
      }
    };
  }

  /** Up to {@code limit} DEK records of the tenant, from {@code fromVersion} up. */
  public List<DekState> deks(String tenant, int fromVersion, int limit) {
    return records(tenant).tailMap(fromVersion, true).values().stream().limit(limit).toList();
  }

  /** Up to {@code limit} DEK records of the tenant, below {@code beforeVersion}, newest first. */
  public List<DekState> deksNewestFirst(String tenant, int beforeVersion, int limit) {
    return records(tenant).headMap(beforeVersion, false).descendingMap().values().stream()
        .limit(limit)
        .toList();
  }

  /** Forgets every tenant. */
  public void clear() {
    states.clear();
    deks.clear();
  }

  private NavigableMap<Integer, DekState> records(String tenant) {
    return deks.computeIfAbsent(tenant, t -> new TreeMap<>());
  }
}
