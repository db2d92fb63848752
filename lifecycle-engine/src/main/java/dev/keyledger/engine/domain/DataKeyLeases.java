package dev.keyledger.engine.domain;

import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.command.LeaseDataKey;
import dev.keyledger.avro.event.DataKeyLeased;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.crypto.DekUsagePolicy;
import java.util.Optional;

/**
 * The rule of leased data keys (SPEC §3a): a client that encrypts locally gets the active DEK with
 * a block of its encryption budget, counted as used when leased, so the DEK's limit holds whatever
 * the client reports. Part of {@link Decider}; pure.
 */
final class DataKeyLeases {

  /** The largest block one lease may reserve: 2^20 encryptions, 1/1024 of a DEK's budget. */
  static final long MAX_BLOCK = 1L << 20;

  private DataKeyLeases() {}

  static Decision lease(TenantState state, DekRecords deks, LeaseDataKey lease) {
    Optional<Refusal> refused = ByokActivation.checkKeysServe(state);
    if (refused.isPresent()) {
      return Decider.refuse(Operations.LEASE_DATA_KEY, refused.get());
    }
    if (lease.getEncryptions() < 1 || lease.getEncryptions() > MAX_BLOCK) {
      return Decider.refuse(
          Operations.LEASE_DATA_KEY,
          Refusals.of(
              "invalid_request",
              null,
              RefusalKind.INVALID_REQUEST,
              "A lease reserves 1 to " + MAX_BLOCK + " encryptions",
              null));
    }
    DekRef active = state.getActiveDek();
    DekState record = active == null ? null : deks.version(active.getVersion()).orElse(null);
    if (record == null) {
      return Decider.refuse(
          Operations.LEASE_DATA_KEY,
          Refusals.dekRotating("The tenant has no active data encryption key; one is being made"));
    }
    if (!active.getDekId().equals(lease.getDek().getDekId())
        || active.getVersion() != lease.getDek().getVersion()) {
      return Decider.refuse(
          Operations.LEASE_DATA_KEY,
          Refusals.dekRotating("The active DEK changed while the lease was asked for"));
    }
    if (EncryptionReservations.committed(state, record) + lease.getEncryptions()
        > DekUsagePolicy.MAX_ENCRYPTIONS) {
      return Decider.refuse(
          Operations.LEASE_DATA_KEY,
          Refusals.dekRotating(
              "The active DEK has too little of its encryption budget left; it is being rotated"));
    }
    return Decision.accept(
        DataKeyLeased.newBuilder()
            .setDek(active)
            .setEncryptions(lease.getEncryptions())
            .setExpiresAt(lease.getExpiresAt())
            .setLessee(lease.getLessee())
            .build());
  }
}
