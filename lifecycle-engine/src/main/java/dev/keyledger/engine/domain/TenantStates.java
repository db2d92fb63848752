package dev.keyledger.engine.domain;

import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import dev.keyledger.schemas.EventHashes;
import java.util.List;
import java.util.Optional;

/**
 * Reading a {@link TenantState}: the empty state and the questions the decider and the edge ask.
 */
public final class TenantStates {

  private TenantStates() {}

  /** A tenant with no events yet. */
  public static TenantState empty(String tenantId) {
    return TenantState.newBuilder()
        .setTenantId(tenantId)
        .setSeq(0)
        .setLastHash(EventHashes.GENESIS)
        .setTmkVersions(List.of())
        .build();
  }

  public static BindingStatus status(TenantState state) {
    return state.getBinding() == null
        ? BindingStatus.NONE
        : BindingStatus.fromWire(state.getBinding().getStatus());
  }

  public static Optional<BindingState> binding(TenantState state) {
    return Optional.ofNullable(state.getBinding());
  }

  public static Optional<TmkVersionState> activeTmk(TenantState state) {
    return state.getTmkVersions().stream()
        .filter(v -> TmkStatus.ACTIVE.wire().equals(v.getStatus()))
        .findFirst();
  }

  public static Optional<DekState> activeDek(TenantState state) {
    return state.getDeks().stream().filter(d -> DekStatus.ACTIVE.equals(d.getStatus())).findFirst();
  }

  public static Optional<DekState> dek(TenantState state, String dekId) {
    return state.getDeks().stream().filter(d -> d.getDek().getDekId().equals(dekId)).findFirst();
  }

  public static Optional<TmkVersionState> tmk(TenantState state, int version) {
    return state.getTmkVersions().stream()
        .filter(v -> v.getTmk().getVersion() == version)
        .findFirst();
  }

  /** The version number a new DEK must take. */
  public static int nextDekVersion(TenantState state) {
    return state.getDeks().stream().mapToInt(d -> d.getDek().getVersion()).max().orElse(0) + 1;
  }

  /** DEKs that still decrypt data (not lost with a destroyed TMK version). */
  public static java.util.List<DekState> liveDeks(TenantState state) {
    return state.getDeks().stream().filter(d -> !DekStatus.LOST.equals(d.getStatus())).toList();
  }

  /** The version number a new TMK must take: one more than the highest so far. */
  public static int nextTmkVersion(TenantState state) {
    return state.getTmkVersions().stream().mapToInt(v -> v.getTmk().getVersion()).max().orElse(0)
        + 1;
  }
}
