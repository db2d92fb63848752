package dev.keyledger.engine.domain;

import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.DekUsage;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.avro.event.ByokActivated;
import dev.keyledger.avro.event.ByokEnded;
import dev.keyledger.avro.event.DataKeyLeased;
import dev.keyledger.avro.event.DekCreated;
import dev.keyledger.avro.event.DeksRewrapped;
import dev.keyledger.avro.event.EncryptionsReserved;
import dev.keyledger.avro.event.HealthChecked;
import dev.keyledger.avro.event.KeyDeregistered;
import dev.keyledger.avro.event.KeyRegistered;
import dev.keyledger.avro.event.KeyValidated;
import dev.keyledger.avro.event.KeyVerificationFailed;
import dev.keyledger.avro.event.RewrapCompleted;
import dev.keyledger.avro.event.RewrapStarted;
import dev.keyledger.avro.event.TenantSealed;
import dev.keyledger.avro.event.TenantUnsealed;
import dev.keyledger.avro.event.TmkDestroyed;
import dev.keyledger.avro.event.TmkRewrapped;
import dev.keyledger.avro.event.TmkVersionAdded;
import dev.keyledger.avro.event.UsageRecorded;
import dev.keyledger.avro.event.WaiverAcknowledged;
import dev.keyledger.avro.event.WaiverPublished;
import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.RewrapState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code evolve(state, event) -> state}: applies one event of the log. Pure and total: every event
 * type is handled (refusals change only the chain position), so replaying the log rebuilds the same
 * state bit for bit.
 */
public final class Evolver {

  private Evolver() {}

  /**
   * @param deks the tenant's DEK records, which receive the event's DEK writes
   */
  public static TenantState evolve(TenantState state, DekChanges deks, EventEnvelope event) {
    TenantState.Builder next =
        TenantStates.builder(state)
            .setSeq(event.getSeq())
            .setLastHash(event.getHash())
            .setLastEventAt(event.getOccurredAt());
    Object payload = event.getPayload();
    Instant at = event.getOccurredAt();
    BindingState binding = state.getBinding();
    if (payload instanceof KeyRegistered registered) {
      // An UPSERT of an active binding (admin dialect) keeps the waiver the tenant acknowledged.
      BindingState kept =
          binding != null && BindingStatus.ACTIVE.wire().equals(binding.getStatus())
              ? binding
              : null;
      next.setBinding(
          BindingState.newBuilder()
              .setKeyId(registered.getKeyId())
              .setDialect(registered.getDialect())
              .setCmk(registered.getCmk())
              .setStatus(BindingStatus.PENDING_WAIVER.wire())
              .setRegisteredBy(event.getActor().getSub())
              .setRegisteredAt(at)
              .setLastVerifiedAt(at)
              .setProbeEncryptMs(registered.getProbeEncryptMs())
              .setProbeDecryptMs(registered.getProbeDecryptMs())
              .setWaiverVersion(kept == null ? null : kept.getWaiverVersion())
              .setWaiverAcknowledgedAt(kept == null ? null : kept.getWaiverAcknowledgedAt())
              .setWaiverAcknowledgedBy(kept == null ? null : kept.getWaiverAcknowledgedBy())
              .build());
    } else if (payload instanceof TmkVersionAdded added) {
      // A version that waits for the waiver supersedes an earlier waiting one, never the active
      // one.
      TmkStatus status = added.getAwaitsWaiver() ? TmkStatus.PENDING_WAIVER : TmkStatus.ACTIVE;
      List<TmkVersionState> versions = retire(state.getTmkVersions(), status, at);
      boolean byCmk = "customer_kms".equals(added.getTmk().getWrapMethod()) && binding != null;
      versions.add(
          TmkVersionState.newBuilder()
              .setTmk(added.getTmk())
              .setStatus(status.wire())
              .setCreatedAt(at)
              .setCmk(byCmk ? binding.getCmk() : null)
              .build());
      next.setTmkVersions(versions);
      if (status == TmkStatus.ACTIVE) {
        next.setLastRotationAt(at);
      }
    } else if (payload instanceof TmkRewrapped rewrapped) {
      next.setTmkVersions(replace(state.getTmkVersions(), rewrapped.getTmk()));
    } else if (payload instanceof KeyVerificationFailed failed
        && binding != null
        && (failed.getKeyRef().equals(binding.getCmk().getKeyRef())
            || failed.getKeyRef().equals(binding.getCmk().getKeyArn()))) {
      next.setBinding(
          BindingState.newBuilder(binding)
              .setLastVerifyError(failed.getRefusal().getMessage())
              .build());
    } else if (payload instanceof WaiverPublished published) {
      next.setWaiver(published.getWaiver());
    } else if (payload instanceof WaiverAcknowledged ack) {
      next.setBinding(
          BindingState.newBuilder(binding)
              .setWaiverVersion(ack.getWaiverVersion())
              .setWaiverAcknowledgedAt(at)
              .setWaiverAcknowledgedBy(ack.getAcknowledgedBy())
              .build());
    } else if (payload instanceof ByokActivated) {
      next.setBinding(
          BindingState.newBuilder(binding).setStatus(BindingStatus.ACTIVE.wire()).build());
      if (TenantStates.pendingTmk(state).isPresent()) {
        // The switch to the customer's key (ByokActivation): the waiting version takes over.
        List<TmkVersionState> versions = new ArrayList<>();
        for (TmkVersionState v : retire(state.getTmkVersions(), TmkStatus.ACTIVE, at)) {
          versions.add(
              TmkStatus.PENDING_WAIVER.wire().equals(v.getStatus())
                  ? TmkVersionState.newBuilder(v).setStatus(TmkStatus.ACTIVE.wire()).build()
                  : v);
        }
        next.setTmkVersions(versions);
        next.setLastRotationAt(at);
      }
    } else if (payload instanceof KeyDeregistered) {
      // A version that waited for the waiver never served; it stays (platform-wrapped) as retired.
      next.setTmkVersions(retire(state.getTmkVersions(), TmkStatus.PENDING_WAIVER, at));
      next.setBinding(
          BindingState.newBuilder(binding)
              .setStatus(BindingStatus.DISABLED.wire())
              .setDeregisteredAt(at)
              .setSealedSince(null)
              .setSealedReason(null)
              .build());
    } else if (payload instanceof ByokEnded ended) {
      next.setBinding(
          BindingState.newBuilder(binding)
              .setStatus(BindingStatus.REVOKED.wire())
              .setDeregisteredAt(at)
              .setSealedSince(null)
              .setSealedReason(null)
              .build());
      if (state.getRewrap() != null
          && ended.getDestroyedVersions().contains(state.getRewrap().getToTmkVersion())) {
        next.setRewrap(null); // its target is gone: nothing is left to move there
      }
    } else if (payload instanceof TenantSealed sealed) {
      next.setBinding(
          BindingState.newBuilder(binding)
              .setStatus(BindingStatus.SEALED.wire())
              .setSealedSince(at)
              .setSealedReason(sealed.getFailure())
              .setLastVerifyError(sealed.getMessage())
              .build());
    } else if (payload instanceof DekCreated created) {
      DekRef ref = created.getDek();
      DekRef previous = state.getActiveDek();
      if (previous != null) {
        deks.version(previous.getVersion())
            .ifPresent(
                d ->
                    deks.put(
                        DekState.newBuilder(d)
                            .setStatus(DekStatus.RETIRED)
                            .setRetiredAt(at)
                            .build()));
      }
      deks.put(
          DekState.newBuilder().setDek(ref).setStatus(DekStatus.ACTIVE).setCreatedAt(at).build());
      next.setActiveDek(ref);
      next.setEncryptionCount(
          state.getEncryptionCount()
              + EncryptionReservations.retireOld(state, deks, ref.getVersion(), next));
      next.setLastDekVersion(Math.max(state.getLastDekVersion(), ref.getVersion()));
      next.setTmkVersions(countLive(state.getTmkVersions(), ref.getTmkVersion(), 1));
      next.setLastRotationAt(at);
    } else if (payload instanceof RewrapStarted started) {
      next.setRewrap(
          RewrapState.newBuilder()
              .setLeaseId(started.getLeaseId())
              .setToTmkVersion(started.getToTmkVersion())
              .setTotal(started.getTotalDeks())
              .setDone(0)
              .setStartedAt(at)
              .build());
    } else if (payload instanceof DeksRewrapped rewrapped) {
      List<TmkVersionState> versions = state.getTmkVersions();
      int newlyMoved = 0;
      for (DekRef to : rewrapped.getDeks()) {
        DekState known = deks.find(to.getDekId(), to.getVersion()).orElse(null);
        if (known == null) {
          continue;
        }
        int from = known.getDek().getTmkVersion();
        if (from != to.getTmkVersion()) {
          newlyMoved++; // a repeated batch re-wraps a DEK already there: progress counts it once
          if (!DekStatus.LOST.equals(known.getStatus())) {
            versions = countLive(countLive(versions, from, -1), to.getTmkVersion(), 1);
          }
        }
        deks.put(DekState.newBuilder(known).setDek(to).build());
        if (state.getActiveDek() != null && state.getActiveDek().getVersion() == to.getVersion()) {
          next.setActiveDek(to);
        }
      }
      next.setTmkVersions(versions);
      if (state.getRewrap() != null) {
        next.setRewrap(
            RewrapState.newBuilder(state.getRewrap())
                .setDone(state.getRewrap().getDone() + newlyMoved)
                .build());
      }
    } else if (payload instanceof RewrapCompleted) {
      next.setRewrap(null);
    } else if (payload instanceof TmkDestroyed destroyed) {
      List<TmkVersionState> versions = new ArrayList<>();
      for (TmkVersionState v : state.getTmkVersions()) {
        versions.add(
            v.getTmk().getVersion() == destroyed.getVersion()
                ? TmkVersionState.newBuilder(v)
                    .setStatus(TmkStatus.DESTROYED.wire())
                    .setLiveDeks(0)
                    .build()
                : v);
      }
      for (DekState d : deks.all()) {
        if (d.getDek().getTmkVersion() == destroyed.getVersion()
            && !DekStatus.LOST.equals(d.getStatus())) {
          deks.put(DekState.newBuilder(d).setStatus(DekStatus.LOST).build());
        }
      }
      DekRef active = state.getActiveDek();
      if (active != null && active.getTmkVersion() == destroyed.getVersion()) {
        next.setActiveDek(null);
      }
      next.setTmkVersions(versions);
    } else if (payload instanceof UsageRecorded usage) {
      for (DekUsage used : usage.getPerDek()) {
        usedDek(state, deks, used)
            .ifPresent(
                d ->
                    deks.put(
                        DekState.newBuilder(d)
                            .setEncryptions(d.getEncryptions() + used.getEncryptions())
                            .build()));
      }
      Instant last =
          state.getLastUsed() == null || usage.getLastUsed().isAfter(state.getLastUsed())
              ? usage.getLastUsed()
              : state.getLastUsed();
      next.setEncryptionCount(state.getEncryptionCount() + usage.getEncryptions());
      next.setReservations(
          EncryptionReservations.settle(
              state.getReservations(), usage.getReporter(), usage.getPerDek()));
      next.setDecryptionCount(state.getDecryptionCount() + usage.getDecryptions());
      next.setLastUsed(last);
    } else if (payload instanceof EncryptionsReserved reserved) {
      EncryptionReservations.apply(state, deks, reserved, next);
    } else if (payload instanceof DataKeyLeased leased) {
      deks.find(leased.getDek().getDekId(), leased.getDek().getVersion())
          .ifPresent(
              d ->
                  deks.put(
                      DekState.newBuilder(d)
                          .setEncryptions(d.getEncryptions() + leased.getEncryptions())
                          .build()));
    } else if (payload instanceof KeyValidated && binding != null) {
      next.setBinding(
          BindingState.newBuilder(binding).setLastVerifiedAt(at).setLastVerifyError(null).build());
    } else if (payload instanceof HealthChecked checked && binding != null) {
      BindingState.Builder checkedBinding = BindingState.newBuilder(binding);
      if (checked.getFailure() != null) {
        checkedBinding.setLastVerifyError(checked.getMessage());
      } else {
        if (!BindingStatus.SEALED.wire().equals(binding.getStatus())) {
          checkedBinding.setLastVerifyError(null); // a sealed tenant keeps why until it unseals
        }
        checkedBinding
            .setLastVerifiedAt(at)
            .setProbeEncryptMs(checked.getEncryptMs())
            .setProbeDecryptMs(checked.getDecryptMs());
      }
      next.setBinding(checkedBinding.build());
    } else if (payload instanceof TenantUnsealed) {
      next.setBinding(
          BindingState.newBuilder(binding)
              .setStatus(BindingStatus.ACTIVE.wire())
              .setSealedSince(null)
              .setSealedReason(null)
              .setLastVerifyError(null)
              .setLastVerifiedAt(at)
              .build());
    }
    return next.build();
  }

  /**
   * The DEK a usage report names. Reports from schema v4 on carry the version; older ones only the
   * id, almost always the active DEK's.
   */
  private static Optional<DekState> usedDek(TenantState state, DekRecords deks, DekUsage used) {
    if (used.getVersion() > 0) {
      return deks.find(used.getDekId(), used.getVersion());
    }
    DekRef active = state.getActiveDek();
    if (active != null && active.getDekId().equals(used.getDekId())) {
      return deks.version(active.getVersion());
    }
    return deks.all().stream()
        .filter(d -> d.getDek().getDekId().equals(used.getDekId()))
        .findFirst();
  }

  /** The versions with every one of {@code status} retired at {@code at}. */
  private static List<TmkVersionState> retire(
      List<TmkVersionState> versions, TmkStatus status, Instant at) {
    List<TmkVersionState> retired = new ArrayList<>(versions.size() + 1);
    for (TmkVersionState v : versions) {
      retired.add(
          status.wire().equals(v.getStatus())
              ? TmkVersionState.newBuilder(v)
                  .setStatus(TmkStatus.RETIRED.wire())
                  .setRetiredAt(at)
                  .build()
              : v);
    }
    return retired;
  }

  /** The versions with {@code delta} added to the live-DEK count of {@code tmkVersion}. */
  private static List<TmkVersionState> countLive(
      List<TmkVersionState> versions, int tmkVersion, int delta) {
    List<TmkVersionState> counted = new ArrayList<>(versions.size());
    for (TmkVersionState v : versions) {
      counted.add(
          v.getTmk().getVersion() == tmkVersion
              ? TmkVersionState.newBuilder(v).setLiveDeks(v.getLiveDeks() + delta).build()
              : v);
    }
    return counted;
  }

  private static List<TmkVersionState> replace(List<TmkVersionState> versions, TmkRef tmk) {
    List<TmkVersionState> replaced = new ArrayList<>();
    for (TmkVersionState v : versions) {
      replaced.add(
          v.getTmk().getVersion() == tmk.getVersion()
              ? TmkVersionState.newBuilder(v)
                  .setTmk(tmk)
                  .setCmk("customer_kms".equals(tmk.getWrapMethod()) ? v.getCmk() : null)
                  .build()
              : v);
    }
    return replaced;
  }
}
