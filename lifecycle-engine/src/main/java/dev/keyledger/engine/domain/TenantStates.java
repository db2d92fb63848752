package dev.keyledger.engine.domain;

import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import dev.keyledger.schemas.EventHashes;
import java.util.List;
import java.util.Optional;

/** Reading a {@link TenantState}: the empty state and the questions the decider and the edge ask. */
public final class TenantStates {

  private TenantStates() {}

  /** A tenant with no events yet. */
  public static TenantState empty(String tenantId) {
    return TenantState.newBuilder().setTenantId(tenantId).setSeq(0).setLastHash(EventHashes.GENESIS).setTmkVersions(List.of()).build();
  }

  public static BindingStatus status(TenantState state) {
    return state.getBinding() == null ? BindingStatus.NONE : BindingStatus.fromWire(state.getBinding().getStatus());
  }

  public static Optional<BindingState> binding(TenantState state) {
    return Optional.ofNullable(state.getBinding());
  }

  public static Optional<TmkVersionState> activeTmk(TenantState state) {
    return state.getTmkVersions().stream().filter(v -> TmkStatus.ACTIVE.wire().equals(v.getStatus())).findFirst();
  }

  /** The version number a new TMK must take: one more than the highest so far. */
  public static int nextTmkVersion(TenantState state) {
    return state.getTmkVersions().stream().mapToInt(v -> v.getTmk().getVersion()).max().orElse(0) + 1;
  }
}
