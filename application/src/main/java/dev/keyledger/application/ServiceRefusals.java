package dev.keyledger.application;

import dev.keyledger.avro.Refusal;
import dev.keyledger.engine.domain.RefusalKind;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.kms.KmsException;
import dev.keyledger.engine.kms.KmsFailure;
import dev.keyledger.envelope.DataAead;
import dev.keyledger.envelope.DataEnvelope;

/**
 * The refusals the use cases make themselves, before or beside the fold (the fold's own are in
 * {@link Refusals}): what the tenant is told when KMS says no, or a key or a ciphertext does not
 * fit. KMS messages name principals and keys only, never credentials, so they may be logged and
 * shown.
 */
final class ServiceRefusals {

  /** Retry advice while a tenant is sealed: the seal watcher's default period. */
  static final int SEALED_RETRY_SECONDS = 30;

  /** Retry advice when KMS gave none. */
  static final int KMS_RETRY_SECONDS = 5;

  private ServiceRefusals() {}

  /** A probe of the CMK failed: the refusal recorded in the log. */
  static Refusal verifyFailed(KmsException e) {
    String reason = e.failure().wireName();
    if (isTransient(e)) {
      return Refusals.withReason(kmsUnavailable(withAwsCode(e), e.hint()), reason);
    }
    String message = withAwsCode(e);
    if (!message.startsWith("Cannot access CMK")) {
      message = "Cannot access CMK: " + message;
    }
    return Refusals.withReason(
        Refusals.of(
            "kms_verify_failed", "BYOK_002", RefusalKind.INVALID_REQUEST, message, e.hint()),
        reason);
  }

  /**
   * KMS's message, naming AWS's error code (e.g. {@code AccessDeniedException}) when it has one.
   */
  static String withAwsCode(KmsException e) {
    String code = e.awsErrorCode();
    return code == null || e.getMessage().contains(code)
        ? e.getMessage()
        : e.getMessage() + " (" + code + ")";
  }

  /** How a refused probe is answered: a KMS that is only busy or down is "try again", not "no". */
  static Stop verifyFailedAnswer(KmsException e, Refusal refusal) {
    return isTransient(e) ? Stop.unavailable(refusal, retryAfter(e)) : Stop.refused(refusal);
  }

  /** KMS is only busy or down: the same probe may pass later. */
  private static boolean isTransient(KmsException e) {
    return e.failure() == KmsFailure.THROTTLED || e.failure() == KmsFailure.UNAVAILABLE;
  }

  static Refusal kmsUnavailable(String message, String hint) {
    return Refusals.of("kms_unavailable", "BYOK_006", RefusalKind.UNAVAILABLE, message, hint);
  }

  static int retryAfter(KmsException e) {
    return (int) e.retryAfterSeconds().orElse(KMS_RETRY_SECONDS);
  }

  /** A plaintext over the envelope's limit ({@link DataEnvelope#MAX_PLAINTEXT_BYTES}). */
  static Refusal plaintextTooLarge(int bytes) {
    return Refusals.of(
        "payload_too_large",
        null,
        RefusalKind.TOO_LARGE,
        "plaintext is "
            + bytes
            + " bytes; the limit is "
            + DataEnvelope.MAX_PLAINTEXT_BYTES
            + " bytes (4 MiB) per call",
        "Split the data, or lease a data key (POST /api/v1/byok/data-keys) and encrypt locally.");
  }

  /** A context the envelope cannot bind ({@link DataAead#checkContext}). */
  static Refusal invalidContext(String problem) {
    return Refusals.of(
        "invalid_request",
        null,
        RefusalKind.INVALID_REQUEST,
        "Invalid context: " + problem,
        "context is an object of at most "
            + DataAead.MAX_CONTEXT_ENTRIES
            + " string entries: keys of 1 to "
            + DataAead.MAX_FIELD_BYTES
            + " and values of 0 to "
            + DataAead.MAX_FIELD_BYTES
            + " bytes of UTF-8.");
  }

  static Refusal noKmsConfig() {
    return Refusals.of(
        "no_kms_config",
        null,
        RefusalKind.NOT_FOUND,
        "No KMS configuration for this tenant",
        "Onboard a key: POST /admin/tenant-kms.");
  }

  /**
   * The 404 of a key read ({@code no_byok_key}, {@code no_kms_config}) for a tenant whose keys are
   * platform-managed: no BYOK key, as before, with what protects the tenant said in the body.
   */
  static Refusal platformManaged(Refusal notFound, int activeTmkVersion) {
    return Refusal.newBuilder(notFound)
        .setReason("platform_managed")
        .setMessage(
            notFound.getMessage()
                + ": the tenant's keys are platform-managed (TMK v"
                + activeTmkVersion
                + ", wrap method platform)")
        .build();
  }

  /**
   * Ending BYOK destroys data: the request must repeat the tenant's id in {@code confirm_tenant}.
   */
  static Refusal endByokNotConfirmed(String tenant, int version) {
    return Refusals.of(
        "confirmation_required",
        null,
        RefusalKind.INVALID_REQUEST,
        "Ending BYOK destroys every TMK version the CMK wraps and the data under them:"
            + " confirm_tenant must name this tenant",
        "Send {\"version\": "
            + version
            + ", \"end_byok\": true, \"confirm_tenant\": \""
            + tenant
            + "\"} if that is what you want.");
  }

  static Refusal keyMaterialMissing(int tmkVersion) {
    return Refusals.of(
        "key_material_missing",
        null,
        RefusalKind.CONFLICT,
        "The wrapped bytes of TMK version " + tmkVersion + " are not in the key-material store",
        "Retry in a few seconds; if it persists, the key-material topic lost this record.");
  }

  static Refusal cmkInaccessibleToDeregister(int tmkVersion, int activeVersion, KmsException e) {
    return Refusals.of(
        "cmk_inaccessible",
        null,
        RefusalKind.CONFLICT,
        "CMK inaccessible: cannot unwrap TMK version "
            + tmkVersion
            + " to move it under the platform key: "
            + e.getMessage(),
        "Either restore the platform's access to the key ("
            + e.hint()
            + "), then retry DELETE; or end BYOK by cryptographic erasure (the data under the"
            + " key becomes unrecoverable): POST /admin/tenant-kms/revoke {\"version\": "
            + activeVersion
            + ", \"end_byok\": true, \"confirm_tenant\": \"<tenant id>\"} with a step-up token.");
  }

  /**
   * @param code {@code unreachable} or {@code access_denied}: the refusal's code
   * @param reason the KMS failure kind, e.g. {@code disabled}
   */
  static Refusal unsealFailed(String code, String reason, String detail, String hint) {
    return Refusals.withReason(
        Refusals.of(
            "unseal_failed",
            code,
            RefusalKind.UPSTREAM_FAILED,
            "Unseal failed (" + code + "): " + detail,
            hint),
        reason);
  }

  /** A registration of a tenant without keys made them first, and the fold has not decided yet. */
  static Refusal keysBeingProvisioned() {
    return Refusals.of(
        "keys_provisioning",
        null,
        RefusalKind.UNAVAILABLE,
        "The tenant's platform-managed keys are being made: the key was not registered",
        "Retry the registration after 1 s.");
  }

  static Refusal keyNotLoadedHere() {
    return Refusals.of(
        "key_unavailable",
        null,
        RefusalKind.UNAVAILABLE,
        "A wrapped key of this tenant is not available on this instance yet",
        "Retry after 1 s.");
  }

  static Refusal invalidCiphertext(String detail) {
    return Refusals.of(
        "invalid_ciphertext",
        "BYOK_008",
        RefusalKind.INVALID_REQUEST,
        "Invalid ciphertext: " + detail,
        "Decrypt with the same tenant and the same context that were used to encrypt.");
  }

  static Refusal incorrectKey(String dekId, int version) {
    return Refusals.of(
        "incorrect_key",
        null,
        RefusalKind.INVALID_REQUEST,
        "IncorrectKeyException: the ciphertext needs DEK "
            + dekId
            + " v"
            + version
            + ", which this tenant does not have",
        "The data was encrypted with a different key (another tenant's, or before a key change).");
  }

  static Refusal dataDestroyed(int dekVersion, int tmkVersion) {
    return Refusals.of(
        "key_destroyed",
        null,
        RefusalKind.GONE,
        "The ciphertext needs DEK v"
            + dekVersion
            + ", wrapped by TMK v"
            + tmkVersion
            + ", which was destroyed: the data is unrecoverable",
        null);
  }
}
