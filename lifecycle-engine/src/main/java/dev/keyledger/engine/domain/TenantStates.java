package dev.keyledger.engine.domain;

import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.state.BindingState;
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

  /**
   * The CMK-wrapped version a registration added while it waits for the waiver: it becomes the
   * active one when the waiver is acknowledged ({@link ByokActivation}).
   */
  public static Optional<TmkVersionState> pendingTmk(TenantState state) {
    return state.getTmkVersions().stream()
        .filter(v -> TmkStatus.PENDING_WAIVER.wire().equals(v.getStatus()))
        .findFirst();
  }

  /** The DEK new data is encrypted with; none before the first or after its TMK was destroyed. */
  public static Optional<DekRef> activeDek(TenantState state) {
    return Optional.ofNullable(state.getActiveDek());
  }

  public static Optional<TmkVersionState> tmk(TenantState state, int version) {
    return state.getTmkVersions().stream()
        .filter(v -> v.getTmk().getVersion() == version)
        .findFirst();
  }

  /** The version number a new DEK must take. */
  public static int nextDekVersion(TenantState state) {
    return state.getLastDekVersion() + 1;
  }

  /** How many DEKs still decrypt data (not lost with a destroyed TMK version). */
  public static int liveDeks(TenantState state) {
    return state.getTmkVersions().stream().mapToInt(TmkVersionState::getLiveDeks).sum();
  }

  /** How many live DEKs a rewrap to {@code tmkVersion} must still move. */
  public static int liveDeksNotUnder(TenantState state, int tmkVersion) {
    return state.getTmkVersions().stream()
        .filter(v -> v.getTmk().getVersion() != tmkVersion)
        .mapToInt(TmkVersionState::getLiveDeks)
        .sum();
  }

  /**
   * A builder holding the state's own field values, not copies of them (as {@code
   * TenantState.newBuilder(state)} makes): the next state is made without copying what it keeps.
   * Safe because states and their parts are never changed once built. Lists every field; {@code
   * TenantStatesTest} fails when a new one is missing here.
   */
  public static TenantState.Builder builder(TenantState state) {
    return TenantState.newBuilder()
        .setTenantId(state.getTenantId())
        .setSeq(state.getSeq())
        .setLastHash(state.getLastHash())
        .setLastEventAt(state.getLastEventAt())
        .setBinding(state.getBinding())
        .setTmkVersions(state.getTmkVersions())
        .setWaiver(state.getWaiver())
        .setDeks(state.getDeks())
        .setRewrap(state.getRewrap())
        .setEncryptionCount(state.getEncryptionCount())
        .setDecryptionCount(state.getDecryptionCount())
        .setLastUsed(state.getLastUsed())
        .setLastRotationAt(state.getLastRotationAt())
        .setActiveDek(state.getActiveDek())
        .setLastDekVersion(state.getLastDekVersion())
        .setReservations(state.getReservations());
  }

  /** The version number a new TMK must take: one more than the highest so far. */
  public static int nextTmkVersion(TenantState state) {
    return state.getTmkVersions().stream().mapToInt(v -> v.getTmk().getVersion()).max().orElse(0)
        + 1;
  }
}
