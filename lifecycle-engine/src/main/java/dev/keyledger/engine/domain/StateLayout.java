package dev.keyledger.engine.domain;

import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves a state written before schema v4, which held every DEK record in its {@code deks} list, to
 * the v4 layout: the records go to the DEK store and the state keeps the active DEK, the highest
 * DEK version and each TMK version's live-DEK count, exactly as folding the same events under v4
 * would have left them.
 */
public final class StateLayout {

  private StateLayout() {}

  /**
   * @param state the state in the v4 layout
   * @param deks the DEK records to write to the DEK store (empty for a v4 state)
   */
  public record Split(TenantState state, List<DekState> deks) {}

  /** Whether the state still holds its DEK records. */
  public static boolean isLegacy(TenantState state) {
    return !state.getDeks().isEmpty();
  }

  public static Split split(TenantState state) {
    if (!isLegacy(state)) {
      return new Split(state, List.of());
    }
    List<DekState> deks = List.copyOf(state.getDeks());
    DekRef active = null;
    int last = 0;
    Map<Integer, Integer> live = new HashMap<>();
    for (DekState d : deks) {
      last = Math.max(last, d.getDek().getVersion());
      if (DekStatus.ACTIVE.equals(d.getStatus())) {
        active = d.getDek();
      }
      if (!DekStatus.LOST.equals(d.getStatus())) {
        live.merge(d.getDek().getTmkVersion(), 1, Integer::sum);
      }
    }
    List<TmkVersionState> versions = new ArrayList<>();
    for (TmkVersionState v : state.getTmkVersions()) {
      versions.add(
          TmkVersionState.newBuilder(v)
              .setLiveDeks(live.getOrDefault(v.getTmk().getVersion(), 0))
              .build());
    }
    TenantState moved =
        TenantStates.builder(state)
            .setDeks(List.of())
            .setActiveDek(active)
            .setLastDekVersion(last)
            .setTmkVersions(versions)
            .build();
    return new Split(moved, deks);
  }
}
