package dev.keyledger.edge.service;

import dev.keyledger.avro.Refusal;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.kms.KmsException;
import dev.keyledger.engine.kms.KmsFailure;

/** What the tenant is told when its KMS says no: the seed's words, the cause and the fix. */
final class KmsRefusals {

  private KmsRefusals() {}

  /** The refusal recorded in the log (never holds credentials: KMS messages name principals and keys only). */
  static Refusal verifyFailed(KmsException e) {
    if (e.failure() == KmsFailure.THROTTLED || e.failure() == KmsFailure.UNAVAILABLE) {
      return Refusals.of("kms_unavailable", "BYOK_006", 503, e.getMessage(), e.hint());
    }
    String message = e.getMessage().startsWith("Cannot access CMK") ? e.getMessage() : "Cannot access CMK: " + e.getMessage();
    return Refusals.of("kms_verify_failed", "BYOK_002", 400, message, e.hint());
  }

  static ApiException answer(KmsException e, Refusal refusal) {
    Integer retryAfter = null;
    if (e.retryAfterSeconds().isPresent()) {
      retryAfter = (int) e.retryAfterSeconds().getAsLong();
    } else if (refusal.getHttpStatus() == 503) {
      retryAfter = 5;
    }
    return new ApiException(refusal.getHttpStatus(), refusal.getType(), refusal.getCode(), refusal.getMessage(), refusal.getHint(), retryAfter);
  }
}
