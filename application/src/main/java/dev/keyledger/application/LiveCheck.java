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

  /** A round trip of the platform key that failed (the stored TMK does not unwrap). */
  static LiveCheck platformFailed(Instant at, String message) {
    return new LiveCheck(
        at,
        0,
        0,
        KmsFailure.OTHER,
        "Platform key round trip failed: " + message,
        null,
        "The tenant's platform-wrapped TMK does not unwrap: check the platform key configured for"
            + " this instance (platform.key) and the key-material topic");
  }

  public boolean ok() {
    return failure == null;
  }
}
