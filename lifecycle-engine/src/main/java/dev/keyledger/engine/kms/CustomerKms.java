package dev.keyledger.engine.kms;

import java.util.Map;

/**
 * A customer's KMS, as the engine uses it: describe a key, wrap and unwrap small secrets (TMKs)
 * under an encryption context. AWS now; GCP Cloud KMS and Azure Key Vault later.
 *
 * <p>Every call is bounded in time and retries transient failures (throttling, timeouts, 5xx)
 * itself, with backoff and jitter; a {@link KmsException} therefore means the failure persisted.
 * Callers decide what to do from {@link KmsException#failure()}: seal the tenant ({@link
 * KmsFailure#sealsTenant()}), retry later ({@link KmsFailure#retryable()}, {@link
 * KmsException#retryAfterSeconds()}), or report the message and hint to the user. Implementations
 * are thread-safe.
 */
public interface CustomerKms {

  /** Describes the key (DescribeKey for AWS), resolving an alias to its key. */
  ResolvedCmk describe(CmkRef ref) throws KmsException;

  /**
   * Encrypts {@code plaintext} under the key and {@code encryptionContext} and reports the key ARN
   * that KMS used, so that an alias is resolved by the same call that encrypts.
   */
  KmsCiphertext encryptReportingKey(
      CmkRef ref, Map<String, String> encryptionContext, byte[] plaintext) throws KmsException;

  /**
   * Encrypts {@code plaintext} under the key and {@code encryptionContext}; returns the ciphertext
   * blob.
   */
  default byte[] encrypt(CmkRef ref, Map<String, String> encryptionContext, byte[] plaintext)
      throws KmsException {
    return encryptReportingKey(ref, encryptionContext, plaintext).blob();
  }

  /**
   * Decrypts a blob produced by {@link #encrypt}. The call names the key, so a blob of another key
   * fails with {@link KmsFailure#INCORRECT_KEY}; a different encryption context fails with {@link
   * KmsFailure#INVALID_CIPHERTEXT}.
   */
  byte[] decrypt(CmkRef ref, Map<String, String> encryptionContext, byte[] ciphertext)
      throws KmsException;
}
