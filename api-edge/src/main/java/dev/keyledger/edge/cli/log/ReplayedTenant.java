package dev.keyledger.edge.cli.log;

import dev.keyledger.application.KeyStatus;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.DekChanges;
import dev.keyledger.engine.domain.DekRecords;
import dev.keyledger.engine.domain.Evolver;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.projections.ChainReport;
import dev.keyledger.projections.ChainWalk;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One tenant rebuilt from its events by the engine's own {@link Evolver}: its state and DEK
 * records, as the fold's two stores held them after the last event applied, and its chain checked
 * on the way (an event that breaks it is not applied, nor any after it).
 */
public final class ReplayedTenant implements DekRecords, KeyStatus.DekPages {

  private final ChainWalk chain = new ChainWalk();
  private final NavigableMap<Integer, DekState> deks = new TreeMap<>();
  private TenantState state;
  private Instant firstEventAt;
  private boolean done;

  ReplayedTenant(String tenantId) {
    this.state = TenantStates.empty(tenantId);
  }

  /**
   * Applies the next event unless the replay of this tenant is over.
   *
   * @param at the instant to stop at (events that occurred after it end the replay), or null
   */
  void apply(EventEnvelope event, Instant at) {
    if (done) {
      return;
    }
    if (firstEventAt == null) {
      firstEventAt = event.getOccurredAt();
    }
    if (at != null && event.getOccurredAt().isAfter(at)) {
      done = true;
      return;
    }
    if (!chain.accept(event)) {
      done = true;
      return;
    }
    DekChanges changes = new DekChanges(this);
    state = Evolver.evolve(state, changes, event);
    changes.writes().forEach(d -> deks.put(d.getDek().getVersion(), d));
  }

  /** A record of this tenant that does not decode: its chain breaks there and the replay ends. */
  void undecodable(String detail) {
    if (!done) {
      chain.undecodable(detail);
      done = true;
    }
  }

  /** Whether the replay of this tenant is over: an event after the instant, or a broken chain. */
  boolean done() {
    return done;
  }

  /** The state after the last event applied ({@code seq} 0 when none was). */
  public TenantState state() {
    return state;
  }

  /** The tenant's chain up to the last event applied, or where it broke. */
  public ChainReport chain() {
    return chain.report();
  }

  /** When the tenant's first event occurred, applied or not. */
  public Instant firstEventAt() {
    return firstEventAt;
  }

  @Override
  public Optional<DekState> version(int version) {
    return Optional.ofNullable(deks.get(version));
  }

  @Override
  public List<DekState> all() {
    return new ArrayList<>(deks.values());
  }

  @Override
  public List<DekState> newestFirst(int beforeVersion, int limit) {
    return deks.headMap(beforeVersion, false).descendingMap().values().stream()
        .limit(limit)
        .toList();
  }
}
