package dev.keyledger.engine.keys;

import dev.keyledger.engine.kms.KmsException;
import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * A key needed for this call cannot be had now: the CMK refused to unwrap the TMK, the tenant is
 * sealed and nothing is cached, or the wrapped bytes are missing. The data plane answers it by
 * failing closed.
 */
public final class KeyUnavailableException extends GeneralSecurityException {

  /** Why the key is unavailable. */
  public enum Reason {
    SEALED,
    KMS_REFUSED,
    MATERIAL_MISSING
  }

  private final Reason reason;
  private final transient KmsException kms;

  public KeyUnavailableException(Reason reason, String message, KmsException kms) {
    super(message, kms);
    this.reason = reason;
    this.kms = kms;
  }

  public Reason reason() {
    return reason;
  }

  public Optional<KmsException> kms() {
    return Optional.ofNullable(kms);
  }
}
