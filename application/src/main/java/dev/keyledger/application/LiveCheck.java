package dev.keyledger.application;

import dev.keyledger.engine.kms.KmsException;
import dev.keyledger.engine.kms.KmsFailure;
import java.time.Instant;

/**
 * One live round trip to a tenant's CMK, as {@link HealthChecks} made it.
 *
 * @param failure why it failed; null when it succeeded
 * @param message KMS's own words for the failure (null when it succeeded)
 * @param awsErrorCode AWS's error code, e.g. {@code AccessDeniedException}, when AWS gave one
 * @param hint the fix, naming the key and role where known
 */
public record LiveCheck(
    Instant at,
    long encryptMs,
    long decryptMs,
    KmsFailure failure,
    String message,
    String awsErrorCode,
    String hint) {

  static LiveCheck ok(Instant at, long encryptMs, long decryptMs) {
    return new LiveCheck(at, encryptMs, decryptMs, null, null, null, null);
  }

  static LiveCheck failed(Instant at, KmsException e) {
    return new LiveCheck(at, 0, 0, e.failure(), e.getMessage(), e.awsErrorCode(), e.hint());
  }

  public boolean ok() {
    return failure == null;
  }
}
