package dev.keyledger.application;

import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.crypto.DekUsagePolicy;
import dev.keyledger.engine.domain.DekStatus;
import dev.keyledger.engine.domain.EncryptionReservations;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.envelope.DataAead;
import dev.keyledger.envelope.DataEnvelope;
import dev.keyledger.envelope.DekRef;
import dev.keyledger.projections.AuditEntries;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Encrypt and decrypt for a tenant with its DEKs (SPEC §1, §3a). Fails closed: without an unwrapped
 * key the answer is unavailable ({@code tenant_sealed}), never plaintext. Every encryption is taken
 * from a block of the DEK's budget reserved through the fold ({@link UsageMeter}), and the DEK is
 * retired when its used + reserved encryptions reach the limit. While the tenant is sealed only
 * keys still in the cache (within their TTL) are used; KMS is not called.
 */
public final class DataPlane {

  private final PlatformKeys platformKeys;
  private final TenantKeyring keyring;
  private final UsageMeter usage;
  private final CountedRefusals refusals;
  private final Consumer<String> retireActiveDek;
  private final Clock clock;

  /**
   * @param retireActiveDek asks (asynchronously) for an automatic DEK rotation of a tenant (a new
   *     active DEK)
   */
  public DataPlane(
      PlatformKeys platformKeys,
      TenantKeyring keyring,
      UsageMeter usage,
      CountedRefusals refusals,
      Consumer<String> retireActiveDek,
      Clock clock) {
    this.platformKeys = platformKeys;
    this.keyring = keyring;
    this.usage = usage;
    this.refusals = refusals;
    this.retireActiveDek = retireActiveDek;
    this.clock = clock;
  }

  /** A ciphertext and the key version that made it. */
  public record Encrypted(byte[] ciphertext, int dekVersion, String dekId, int tmkVersion) {}

  /** Refusals that say nothing about the tenant's keys: a malformed request. */
  private static final Set<String> NOT_KEY_FAILURES =
      Set.of(
          ServiceRefusals.plaintextTooLarge(0).getType(),
          ServiceRefusals.invalidContext("").getType());

  /** A plaintext and the key version that opened it. */
  public record Decrypted(byte[] plaintext, int dekVersion, String dekId) {}

  /**
   * @param context the caller's context, bound as AAD: decrypt needs the same
   */
  public Outcome<Encrypted> encrypt(Caller caller, byte[] plaintext, Map<String, String> context) {
    String tenant = caller.tenant();
    return countingFailures(
        caller,
        AuditEntries.ENCRYPT,
        Stop.outcome(
            () -> {
              if (plaintext.length > DataEnvelope.MAX_PLAINTEXT_BYTES) {
                throw Stop.refused(ServiceRefusals.plaintextTooLarge(plaintext.length));
              }
              checkContext(context);
              TenantView view = usableView(caller);
              TenantState state = view.state();
              dev.keyledger.avro.DekRef active = state.getActiveDek();
              if (active == null) {
                // Its DEK was lost with a destroyed TMK version: a new one is made under the active
                // TMK.
                retireActiveDek.accept(tenant);
                throw Stop.unavailable(
                    Refusals.dekRotating(
                        "The tenant has no active data encryption key; a new one is being created"),
                    1);
              }
              DekState dek = DekAccess.record(view, active.getVersion());
              DekRef ref = DekAccess.crypto(dek);
              long committed = EncryptionReservations.committed(state, dek);
              if (DekUsagePolicy.evaluate(dek.getCreatedAt(), committed + 1, clock.instant())
                  instanceof DekUsagePolicy.Retire) {
                retireActiveDek.accept(tenant);
              }
              byte[] ciphertext =
                  DekAccess.withDek(
                      keyring,
                      state,
                      dek,
                      key -> {
                        // Never an encryption outside a block the fold reserved for this instance.
                        if (!usage.takeEncryption(
                            tenant, active, DekUsagePolicy.MAX_ENCRYPTIONS - committed)) {
                          retireActiveDek.accept(tenant);
                          throw Stop.unavailable(
                              Refusals.dekRotating(
                                  "The active DEK reached its encryption limit and is being rotated"),
                              1);
                        }
                        return DataAead.create(key, ref).encrypt(tenant, plaintext, context);
                      });
              return new Encrypted(
                  ciphertext,
                  dek.getDek().getVersion(),
                  dek.getDek().getDekId(),
                  dek.getDek().getTmkVersion());
            }));
  }

  public Outcome<Decrypted> decrypt(Caller caller, byte[] ciphertext, Map<String, String> context) {
    String tenant = caller.tenant();
    return countingFailures(
        caller,
        AuditEntries.DECRYPT,
        Stop.outcome(
            () -> {
              checkContext(context);
              DekRef needed;
              try {
                needed = DataEnvelope.peekDek(ciphertext);
              } catch (GeneralSecurityException e) {
                throw Stop.refused(
                    ServiceRefusals.invalidCiphertext(
                        "the ciphertext is not a KeyLedger envelope (truncated or corrupted)"));
              }
              TenantView view = usableView(caller);
              TenantState state = view.state();
              DekState dek =
                  TenantReader.dek(view, needed.version())
                      .filter(d -> d.getDek().getDekId().equals(needed.id()))
                      .orElseThrow(
                          () ->
                              Stop.refused(
                                  ServiceRefusals.incorrectKey(needed.id(), needed.version())));
              if (DekStatus.LOST.equals(dek.getStatus())) {
                throw Stop.refused(
                    ServiceRefusals.dataDestroyed(needed.version(), dek.getDek().getTmkVersion()));
              }
              byte[] plaintext =
                  DekAccess.withDek(
                      keyring,
                      state,
                      dek,
                      key -> {
                        try {
                          return DataAead.create(key, DekAccess.crypto(dek))
                              .decrypt(tenant, ciphertext, context);
                        } catch (GeneralSecurityException e) {
                          throw Stop.refused(
                              ServiceRefusals.invalidCiphertext(
                                  "authentication failed for DEK v"
                                      + needed.version()
                                      + " (tampered, or another context)"));
                        }
                      });
              usage.decrypted(tenant);
              return new Decrypted(plaintext, dek.getDek().getVersion(), dek.getDek().getDekId());
            }));
  }

  /**
   * Counts a request that failed for a tenant with keys, for the failures alert (usage reports) and
   * the audit (one entry per kind of refusal per minute); a malformed request is not a failure of
   * its keys.
   */
  private <T> Outcome<T> countingFailures(Caller caller, String operation, Outcome<T> outcome) {
    Refusal refusal =
        outcome instanceof Outcome.Unavailable<T> unavailable
            ? unavailable.reason()
            : outcome instanceof Outcome.Refused<T> refused ? refused.refusal() : null;
    if (refusal != null && !NOT_KEY_FAILURES.contains(refusal.getType())) {
      usage.failed(caller.tenant());
      refusals.refused(caller.tenant(), caller.sub(), operation, refusal);
    }
    return outcome;
  }

  /** Refuses a context the envelope would not bind, before any key is looked up. */
  private static void checkContext(Map<String, String> context) {
    Optional<String> problem = DataAead.checkContext(context);
    if (problem.isPresent()) {
      throw Stop.refused(ServiceRefusals.invalidContext(problem.get()));
    }
  }

  /**
   * The tenant's state with keys: platform-managed ones are made on its first use. A registration
   * waiting for its waiver does not stop the data plane (paperwork never cuts a tenant off); sealed
   * tenants go on with cached keys only.
   */
  private TenantView usableView(Caller caller) {
    return platformKeys.ensureView(caller);
  }
}
