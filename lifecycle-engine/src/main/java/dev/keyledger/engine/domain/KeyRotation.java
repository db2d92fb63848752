package dev.keyledger.engine.domain;

import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.avro.command.RecordRewrapBatch;
import dev.keyledger.avro.command.RevokeTmkVersion;
import dev.keyledger.avro.command.RotateDek;
import dev.keyledger.avro.command.RotateMaster;
import dev.keyledger.avro.event.ByokEnded;
import dev.keyledger.avro.event.DekCreated;
import dev.keyledger.avro.event.DeksRewrapped;
import dev.keyledger.avro.event.RewrapCompleted;
import dev.keyledger.avro.event.RewrapStarted;
import dev.keyledger.avro.event.TmkDestroyed;
import dev.keyledger.avro.event.TmkVersionAdded;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.RewrapState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of rotation, background rewrap and cryptographic erasure (SPEC §1-§3). Part of {@link
 * Decider}; pure. A rewrap lease id is the seq of its {@code RewrapStarted} event, so it is unique
 * per tenant and the same on replay.
 */
public final class KeyRotation {

  private KeyRotation() {}

  static Decision rotateDek(TenantState state, RotateDek rotate) {
    Optional<Refusal> refused = checkRotatable(state);
    if (refused.isPresent()) {
      return Decider.refuse(Operations.ROTATE, refused.get());
    }
    int activeTmk = TenantStates.activeTmk(state).orElseThrow().getTmk().getVersion();
    if (!fitsNextDek(state, rotate.getDek(), activeTmk)) {
      return Decider.refuse(Operations.ROTATE, staleDek(state, rotate.getDek(), activeTmk));
    }
    return Decision.accept(
        DekCreated.newBuilder()
            .setDek(rotate.getDek())
            .setReason(rotate.getReason())
            .setAutomatic(rotate.getAutomatic())
            .build());
  }

  static Decision rotateMaster(TenantState state, RotateMaster rotate) {
    Optional<Refusal> refused = checkRotatable(state);
    if (refused.isPresent()) {
      return Decider.refuse(Operations.ROTATE, refused.get());
    }
    TmkRef tmk = rotate.getTmk();
    int expected = TenantStates.nextTmkVersion(state);
    if (tmk.getVersion() != expected) {
      return Decider.refuse(Operations.ROTATE, Refusals.staleVersion(expected, tmk.getVersion()));
    }
    List<Object> events =
        new ArrayList<>(List.of(TmkVersionAdded.newBuilder().setTmk(tmk).build()));
    if (rotate.getDek() != null) {
      if (!fitsNextDek(state, rotate.getDek(), tmk.getVersion())) {
        return Decider.refuse(
            Operations.ROTATE, staleDek(state, rotate.getDek(), tmk.getVersion()));
      }
      events.add(
          DekCreated.newBuilder().setDek(rotate.getDek()).setReason(rotate.getReason()).build());
    }
    startRewrap(state, tmk.getVersion(), events, true);
    return new Decision(events, Optional.empty());
  }

  /**
   * Appends a rewrap lease for the live DEKs wrapped by another version than {@code toVersion};
   * with none pending, a lease (already completed) only when {@code always}, so a rotation can name
   * it.
   */
  static void startRewrap(TenantState state, int toVersion, List<Object> events, boolean always) {
    int pending = TenantStates.liveDeksNotUnder(state, toVersion);
    if (pending == 0 && !always) {
      return;
    }
    long leaseId = state.getSeq() + events.size() + 1;
    events.add(
        RewrapStarted.newBuilder()
            .setLeaseId(leaseId)
            .setToTmkVersion(toVersion)
            .setTotalDeks(pending)
            .build());
    if (pending == 0) {
      events.add(
          RewrapCompleted.newBuilder().setLeaseId(leaseId).setToTmkVersion(toVersion).build());
    }
  }

  static Decision rewrapBatch(TenantState state, DekRecords deks, RecordRewrapBatch batch) {
    RewrapState lease = state.getRewrap();
    if (lease == null || lease.getLeaseId() != batch.getLeaseId()) {
      return Decider.refuse(Operations.REWRAP, Refusals.leaseSuperseded(batch.getLeaseId()));
    }
    Set<Integer> movedNow = new HashSet<>();
    for (DekRef moved : batch.getDeks()) {
      Optional<DekState> known = deks.find(moved.getDekId(), moved.getVersion());
      if (known.isEmpty()
          || DekStatus.LOST.equals(known.get().getStatus())
          || moved.getTmkVersion() != lease.getToTmkVersion()) {
        return Decider.refuse(
            Operations.REWRAP,
            Refusals.of(
                "invalid_rewrap",
                null,
                RefusalKind.CONFLICT,
                "DEK "
                    + moved.getDekId()
                    + " cannot be re-wrapped to TMK v"
                    + moved.getTmkVersion()
                    + " under lease "
                    + lease.getLeaseId(),
                null));
      }
      if (known.get().getDek().getTmkVersion() != lease.getToTmkVersion()) {
        movedNow.add(moved.getVersion());
      }
    }
    int stillPending =
        TenantStates.liveDeksNotUnder(state, lease.getToTmkVersion()) - movedNow.size();
    DeksRewrapped rewrapped =
        DeksRewrapped.newBuilder()
            .setLeaseId(lease.getLeaseId())
            .setDeks(batch.getDeks())
            .setRemaining(stillPending)
            .build();
    return stillPending > 0
        ? Decision.accept(rewrapped)
        : Decision.accept(
            rewrapped,
            RewrapCompleted.newBuilder()
                .setLeaseId(lease.getLeaseId())
                .setToTmkVersion(lease.getToTmkVersion())
                .build());
  }

  static Decision revoke(TenantState state, RevokeTmkVersion revoke) {
    if (revoke.getEndByok()) {
      return endByok(state, revoke);
    }
    int version = revoke.getVersion();
    Optional<TmkVersionState> target = TenantStates.tmk(state, version);
    if (target.isEmpty()) {
      return Decider.refuse(Operations.REVOKE, Refusals.unknownTmkVersion(version));
    }
    if (TmkStatus.DESTROYED.wire().equals(target.get().getStatus())) {
      return Decider.refuse(Operations.REVOKE, Refusals.alreadyDestroyed(version));
    }
    if (TmkStatus.ACTIVE.wire().equals(target.get().getStatus())) {
      return Decider.refuse(Operations.REVOKE, Refusals.activeVersion(version));
    }
    if (TmkStatus.PENDING_WAIVER.wire().equals(target.get().getStatus())) {
      return Decider.refuse(Operations.REVOKE, Refusals.pendingVersion(version));
    }
    int wrapped = target.get().getLiveDeks();
    if (wrapped > 0 && !revoke.getAllowDataLoss()) {
      return Decider.refuse(
          Operations.REVOKE, Refusals.dataWouldBeLost(version, wrapped, state.getRewrap() != null));
    }
    return Decision.accept(
        TmkDestroyed.newBuilder()
            .setVersion(version)
            .setTmkId(target.get().getTmk().getTmkId())
            .setDeksLost(wrapped)
            .setReason(revoke.getReason())
            .build());
  }

  /**
   * Ends BYOK by cryptographic erasure, in any bound state (sealed included: nothing needs the
   * CMK): every TMK version the CMK wraps is destroyed with the DEKs under it, and the binding
   * becomes {@code revoked}. Versions the platform key wraps (from before onboarding) are kept with
   * whatever they still wrap. The request names the active version, so it cannot act on a state it
   * did not see.
   */
  private static Decision endByok(TenantState state, RevokeTmkVersion revoke) {
    if (!TenantStates.status(state).isBound()) {
      return Decider.refuse(Operations.REVOKE, Refusals.noKey());
    }
    int active = TenantStates.activeTmk(state).orElseThrow().getTmk().getVersion();
    if (revoke.getVersion() != active) {
      return Decider.refuse(
          Operations.REVOKE, Refusals.endByokNeedsActiveVersion(active, revoke.getVersion()));
    }
    List<Object> events = new ArrayList<>();
    List<Integer> destroyed = new ArrayList<>();
    for (TmkVersionState version : endedByErasure(state)) {
      destroyed.add(version.getTmk().getVersion());
      events.add(
          TmkDestroyed.newBuilder()
              .setVersion(version.getTmk().getVersion())
              .setTmkId(version.getTmk().getTmkId())
              .setDeksLost(version.getLiveDeks())
              .setReason(revoke.getReason())
              .build());
    }
    events.add(
        ByokEnded.newBuilder()
            .setKeyId(state.getBinding().getKeyId())
            .setDestroyedVersions(destroyed)
            .setReason(revoke.getReason())
            .build());
    return new Decision(events, Optional.empty());
  }

  /** The TMK versions that ending BYOK destroys: every live one the CMK wraps. */
  public static List<TmkVersionState> endedByErasure(TenantState state) {
    return state.getTmkVersions().stream()
        .filter(v -> !TmkStatus.DESTROYED.wire().equals(v.getStatus()))
        .filter(v -> "customer_kms".equals(v.getTmk().getWrapMethod()))
        .toList();
  }

  /**
   * Rotation needs active keys that serve ({@link ByokActivation#checkKeysServe}): BYOK active, or
   * platform-managed keys (before BYOK, while a registration waits for its waiver, after BYOK
   * ended). Public so a sender can refuse before it makes keys; the fold applies the same rule.
   */
  public static Optional<Refusal> checkRotatable(TenantState state) {
    return ByokActivation.checkKeysServe(state);
  }

  static boolean fitsNextDek(TenantState state, DekRef dek, int wrappingTmkVersion) {
    return dek.getVersion() == TenantStates.nextDekVersion(state)
        && dek.getTmkVersion() == wrappingTmkVersion;
  }

  static Refusal staleDek(TenantState state, DekRef dek, int wrappingTmkVersion) {
    return Refusals.staleDek(
        TenantStates.nextDekVersion(state),
        wrappingTmkVersion,
        dek.getVersion(),
        dek.getTmkVersion());
  }
}
