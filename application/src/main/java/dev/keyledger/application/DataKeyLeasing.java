package dev.keyledger.application;

import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.command.LeaseDataKey;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.crypto.DekUsagePolicy;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.EncryptionReservations;
import dev.keyledger.engine.domain.Operations;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.envelope.SecretBytes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Leased data keys (SPEC §3a): a high-volume caller gets the plaintext of the tenant's active DEK
 * with a block of its encryption budget and encrypts locally, in the same envelope format, until
 * the lease expires: no later than the tenant's key cache would drop the key, so pulling the CMK
 * stops a client as surely as the platform. The block is reserved in the fold ({@code
 * DataKeyLeased}, audited), so the DEK's limit holds whatever the client reports.
 */
public final class DataKeyLeasing {

  /** Encryptions one lease reserves unless the caller asks for fewer: 2^20. */
  public static final long DEFAULT_BLOCK = 1L << 20;

  /**
   * The shortest lease worth its block: a key the cache would drop sooner is loaded again from KMS
   * first, which also proves the customer's key still works.
   */
  public static final Duration MIN_LEASE = Duration.ofSeconds(60);

  private final PlatformKeys platformKeys;
  private final Commands commands;
  private final TenantKeyring keyring;
  private final Consumer<String> retireActiveDek;
  private final Clock clock;

  /**
   * @param retireActiveDek asks (asynchronously) for an automatic DEK rotation of a tenant
   */
  public DataKeyLeasing(
      PlatformKeys platformKeys,
      Commands commands,
      TenantKeyring keyring,
      Consumer<String> retireActiveDek,
      Clock clock) {
    this.platformKeys = platformKeys;
    this.commands = commands;
    this.keyring = keyring;
    this.retireActiveDek = retireActiveDek;
    this.clock = clock;
  }

  /**
   * A leased DEK. Holds plaintext key bytes: {@link #toString} leaves them out; the caller clears
   * {@link #key} once it is sent.
   *
   * @param encryptions how many encryptions the holder may make with it
   */
  public record Lease(
      String tenantId,
      String dekId,
      int dekVersion,
      byte[] key,
      Instant expiresAt,
      long encryptions) {

    @Override
    public String toString() {
      return "Lease[tenant="
          + tenantId
          + ", dek="
          + dekId
          + " v"
          + dekVersion
          + ", expires "
          + expiresAt
          + ", "
          + encryptions
          + " encryptions, key=<redacted>]";
    }
  }

  /**
   * @param encryptions the block to reserve, 1 to {@link #DEFAULT_BLOCK}
   */
  public Outcome<Lease> lease(Caller caller, long encryptions) {
    String tenant = caller.tenant();
    return Stop.outcome(
        () -> {
          TenantView view = platformKeys.ensureView(caller);
          TenantState state = view.state();
          BindingStatus status = TenantStates.status(state);
          if (status == BindingStatus.SEALED) {
            Refusal sealed = Refusals.sealed(state);
            throw commands.refuse(
                caller,
                Operations.LEASE_DATA_KEY,
                sealed,
                Stop.unavailable(sealed, ServiceRefusals.SEALED_RETRY_SECONDS));
          }
          DekRef active = state.getActiveDek();
          DekState dek =
              active == null ? null : TenantReader.dek(view, active.getVersion()).orElse(null);
          if (dek == null) {
            retireActiveDek.accept(tenant);
            throw Stop.unavailable(
                Refusals.dekRotating(
                    "The tenant has no active data encryption key; one is being made"),
                1);
          }
          if (EncryptionReservations.committed(state, dek) + encryptions
              > DekUsagePolicy.MAX_ENCRYPTIONS) {
            retireActiveDek.accept(tenant);
            throw Stop.unavailable(
                Refusals.dekRotating(
                    "The active DEK has too little of its encryption budget left; it is being rotated"),
                1);
          }
          // The key first: a KMS failure refuses the lease before any budget is reserved.
          byte[] key = DekAccess.withDek(keyring, state, dek, SecretBytes::toByteArray);
          Instant expires = keyring.usableUntil(state, dek);
          if (!expires.isAfter(clock.instant().plus(MIN_LEASE))) {
            Arrays.fill(key, (byte) 0);
            keyring.purge(tenant);
            key = DekAccess.withDek(keyring, state, dek, SecretBytes::toByteArray);
            expires = keyring.usableUntil(state, dek);
          }
          expires = expires.truncatedTo(ChronoUnit.MILLIS);
          try {
            commands.run(
                caller,
                LeaseDataKey.newBuilder()
                    .setDek(active)
                    .setEncryptions(encryptions)
                    .setExpiresAt(expires)
                    .setLessee(caller.sub())
                    .build(),
                List.of());
          } catch (RuntimeException refused) {
            Arrays.fill(key, (byte) 0);
            throw refused;
          }
          return new Lease(
              tenant, active.getDekId(), active.getVersion(), key, expires, encryptions);
        });
  }
}
