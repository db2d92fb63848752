package dev.keyledger.application;

import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.keys.KeyUnavailableException;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.engine.kms.KmsException;
import dev.keyledger.envelope.DekRef;
import java.security.GeneralSecurityException;

/**
 * Using a tenant's DEK from a use case: its record, its plaintext through the key ring, and the
 * answer when the key cannot be had. Fails closed: sealed tenants use cached keys only.
 */
final class DekAccess {

  private DekAccess() {}

  /** The record of a DEK the state names; the fold writes it before the state. */
  static DekState record(TenantView view, int version) {
    return TenantReader.dek(view, version)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "tenant " + view.state().getTenantId() + ": no record of its DEK v" + version));
  }

  /** The DEK as the envelope format names it. */
  static DekRef crypto(DekState dek) {
    return new DekRef(dek.getDek().getDekId(), dek.getDek().getVersion());
  }

  /**
   * Runs {@code use} on the DEK's plaintext.
   *
   * @throws Stop unavailable: sealed and not cached, KMS unreachable, or material not here yet
   */
  static <R> R withDek(
      TenantKeyring keyring, TenantState state, DekState dek, TenantKeyring.KeyUse<R> use) {
    boolean mayLoad = TenantStates.status(state) != BindingStatus.SEALED;
    try {
      return keyring.withDek(state, dek, mayLoad, use);
    } catch (KeyUnavailableException e) {
      throw unavailable(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("unwrapping DEK " + dek.getDek().getDekId() + " failed", e);
    }
  }

  private static Stop unavailable(KeyUnavailableException e) {
    KmsException kms = e.kms().orElse(null);
    if (kms != null && !kms.failure().sealsTenant()) {
      return Stop.unavailable(
          ServiceRefusals.kmsUnavailable(kms.getMessage(), kms.hint()),
          ServiceRefusals.retryAfter(kms));
    }
    if (e.reason() == KeyUnavailableException.Reason.MATERIAL_MISSING) {
      return Stop.unavailable(ServiceRefusals.keyNotLoadedHere(), 1);
    }
    Refusal sealed =
        kms == null
            ? Refusals.sealedBy(null, null)
            : Refusals.sealedBy(kms.failure().wireName(), ServiceRefusals.withAwsCode(kms));
    return Stop.unavailable(sealed, ServiceRefusals.SEALED_RETRY_SECONDS);
  }
}
