package dev.keyledger.engine.domain;

import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.avro.event.ByokActivated;
import dev.keyledger.avro.event.DekCreated;
import dev.keyledger.avro.event.DeksRewrapped;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code evolve(state, event) -> state}: applies one event of the log. Pure and total: every event
 * type is handled (refusals change only the chain position), so replaying the log rebuilds the same
 * state bit for bit.
 */
public final class Evolver {

  private Evolver() {}

  public static TenantState evolve(TenantState state, EventEnvelope event) {
    TenantState.Builder next =
        TenantState.newBuilder(state)
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
      List<TmkVersionState> versions = new ArrayList<>();
      for (TmkVersionState v : state.getTmkVersions()) {
        versions.add(
            TmkStatus.ACTIVE.wire().equals(v.getStatus())
                ? TmkVersionState.newBuilder(v)
                    .setStatus(TmkStatus.RETIRED.wire())
                    .setRetiredAt(at)
                    .build()
                : v);
      }
      boolean byCmk = "customer_kms".equals(added.getTmk().getWrapMethod()) && binding != null;
      versions.add(
          TmkVersionState.newBuilder()
              .setTmk(added.getTmk())
              .setStatus(TmkStatus.ACTIVE.wire())
              .setCreatedAt(at)
              .setCmk(byCmk ? binding.getCmk() : null)
              .build());
      next.setTmkVersions(versions).setLastRotationAt(at);
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
    } else if (payload instanceof KeyDeregistered) {
      next.setBinding(
          BindingState.newBuilder(binding)
              .setStatus(BindingStatus.DISABLED.wire())
              .setDeregisteredAt(at)
              .setSealedSince(null)
              .build());
    } else if (payload instanceof TenantSealed sealed) {
      next.setBinding(
          BindingState.newBuilder(binding)
              .setStatus(BindingStatus.SEALED.wire())
              .setSealedSince(at)
              .setLastVerifyError(sealed.getMessage())
              .build());
    } else if (payload instanceof DekCreated created) {
      List<DekState> deks = new ArrayList<>();
      for (DekState d : state.getDeks()) {
        deks.add(
            DekStatus.ACTIVE.equals(d.getStatus())
                ? DekState.newBuilder(d).setStatus(DekStatus.RETIRED).setRetiredAt(at).build()
                : d);
      }
      deks.add(
          DekState.newBuilder()
              .setDek(created.getDek())
              .setStatus(DekStatus.ACTIVE)
              .setCreatedAt(at)
              .build());
      next.setDeks(deks).setLastRotationAt(at);
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
      Map<String, DekRef> moved = new HashMap<>();
      rewrapped.getDeks().forEach(d -> moved.put(d.getDekId(), d));
      List<DekState> deks = new ArrayList<>();
      int newlyMoved = 0;
      for (DekState d : state.getDeks()) {
        DekRef to = moved.get(d.getDek().getDekId());
        if (to != null && to.getTmkVersion() != d.getDek().getTmkVersion()) {
          newlyMoved++; // a repeated batch re-wraps a DEK already there: progress counts it once
        }
        deks.add(to == null ? d : DekState.newBuilder(d).setDek(to).build());
      }
      next.setDeks(deks);
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
                ? TmkVersionState.newBuilder(v).setStatus(TmkStatus.DESTROYED.wire()).build()
                : v);
      }
      List<DekState> deks = new ArrayList<>();
      for (DekState d : state.getDeks()) {
        deks.add(
            d.getDek().getTmkVersion() == destroyed.getVersion()
                ? DekState.newBuilder(d).setStatus(DekStatus.LOST).build()
                : d);
      }
      next.setTmkVersions(versions).setDeks(deks);
    } else if (payload instanceof UsageRecorded usage) {
      Map<String, Long> perDek = new HashMap<>();
      usage.getPerDek().forEach(u -> perDek.merge(u.getDekId(), u.getEncryptions(), Long::sum));
      List<DekState> deks = new ArrayList<>();
      for (DekState d : state.getDeks()) {
        Long more = perDek.get(d.getDek().getDekId());
        deks.add(
            more == null
                ? d
                : DekState.newBuilder(d).setEncryptions(d.getEncryptions() + more).build());
      }
      Instant last =
          state.getLastUsed() == null || usage.getLastUsed().isAfter(state.getLastUsed())
              ? usage.getLastUsed()
              : state.getLastUsed();
      next.setDeks(deks)
          .setEncryptionCount(state.getEncryptionCount() + usage.getEncryptions())
          .setDecryptionCount(state.getDecryptionCount() + usage.getDecryptions())
          .setLastUsed(last);
    } else if (payload instanceof KeyValidated && binding != null) {
      next.setBinding(
          BindingState.newBuilder(binding).setLastVerifiedAt(at).setLastVerifyError(null).build());
    } else if (payload instanceof TenantUnsealed) {
      next.setBinding(
          BindingState.newBuilder(binding)
              .setStatus(BindingStatus.ACTIVE.wire())
              .setSealedSince(null)
              .setLastVerifyError(null)
              .setLastVerifiedAt(at)
              .build());
    }
    return next.build();
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
