package dev.keyledger.engine.domain;

import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.avro.command.Deregister;
import dev.keyledger.avro.command.ProvisionKeys;
import dev.keyledger.avro.command.RecordRewrapBatch;
import dev.keyledger.avro.command.RefuseClaim;
import dev.keyledger.avro.command.RegisterKey;
import dev.keyledger.avro.command.RevokeTmkVersion;
import dev.keyledger.avro.command.RotateDek;
import dev.keyledger.avro.command.RotateMaster;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which key-material records a command leaves without an owner, so the fold tombstones them: what a
 * refused command introduced, copies an accepted re-wrap replaced, and everything a destroyed TMK
 * version wrapped. After compaction no copy of those bytes remains in Kafka.
 */
final class Erasure {

  private Erasure() {}

  static List<String> keys(TenantState before, DekRecords deks, Object payload, boolean accepted) {
    String tenant = before.getTenantId();
    List<String> erased = new ArrayList<>();
    RegisterKey refusedRegistration =
        payload instanceof RefuseClaim refused
            ? refused.getClaimed()
            : payload instanceof RegisterKey register && !accepted ? register : null;
    if (refusedRegistration != null) {
      erased.add(MaterialKeys.tmk(tenant, refusedRegistration.getTmk().getTmkId()));
      Optional.ofNullable(refusedRegistration.getDek())
          .ifPresent(d -> erased.add(dekKey(tenant, d)));
    } else if (payload instanceof RotateDek rotate && !accepted) {
      erased.add(dekKey(tenant, rotate.getDek()));
    } else if (payload instanceof RotateMaster rotate && !accepted) {
      erased.add(MaterialKeys.tmk(tenant, rotate.getTmk().getTmkId()));
      Optional.ofNullable(rotate.getDek()).ifPresent(d -> erased.add(dekKey(tenant, d)));
    } else if (payload instanceof RecordRewrapBatch batch) {
      for (DekRef moved : batch.getDeks()) {
        DekState known = deks.find(moved.getDekId(), moved.getVersion()).orElse(null);
        boolean alreadyThere =
            known != null && known.getDek().getTmkVersion() == moved.getTmkVersion();
        if (accepted && known != null && !alreadyThere) {
          erased.add(dekKey(tenant, known.getDek()));
        } else if (!accepted && !alreadyThere) {
          erased.add(dekKey(tenant, moved));
        }
      }
    } else if (payload instanceof ProvisionKeys provision
        && (!accepted || TenantStates.activeTmk(before).isPresent())) {
      // Refused, or a no-op because another first call provisioned the tenant meanwhile.
      erased.add(MaterialKeys.tmk(tenant, provision.getTmk().getTmkId()));
      erased.add(dekKey(tenant, provision.getDek()));
    } else if (payload instanceof RevokeTmkVersion revoke && accepted) {
      Set<Integer> destroyed =
          revoke.getEndByok()
              ? KeyRotation.endedByErasure(before).stream()
                  .map(v -> v.getTmk().getVersion())
                  .collect(Collectors.toSet())
              : Set.of(revoke.getVersion());
      before.getTmkVersions().stream()
          .filter(v -> destroyed.contains(v.getTmk().getVersion()))
          .forEach(v -> erased.add(MaterialKeys.tmk(tenant, v.getTmk().getTmkId())));
      deks.all().stream()
          .filter(d -> destroyed.contains(d.getDek().getTmkVersion()))
          .forEach(d -> erased.add(dekKey(tenant, d.getDek())));
    } else if (payload instanceof Deregister deregister) {
      List<String> known =
          before.getTmkVersions().stream().map(v -> v.getTmk().getTmkId()).toList();
      for (TmkRef moved : deregister.getRewrapped()) {
        if (!accepted && !known.contains(moved.getTmkId())) {
          erased.add(MaterialKeys.tmk(tenant, moved.getTmkId()));
        } else if (accepted) {
          before.getTmkVersions().stream()
              .filter(v -> v.getTmk().getVersion() == moved.getVersion())
              .map(TmkVersionState::getTmk)
              .map(TmkRef::getTmkId)
              .filter(old -> !old.equals(moved.getTmkId()))
              .forEach(old -> erased.add(MaterialKeys.tmk(tenant, old)));
        }
      }
    }
    return erased;
  }

  private static String dekKey(String tenant, DekRef dek) {
    return MaterialKeys.dek(tenant, dek.getDekId(), dek.getTmkVersion());
  }
}
