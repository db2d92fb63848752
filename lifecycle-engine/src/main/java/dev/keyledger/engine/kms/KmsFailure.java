package dev.keyledger.engine.kms;

import java.util.Locale;

/**
 * Why a call to a customer's KMS failed, in provider-neutral terms.
 *
 * <p>Each value carries a stable snake_case {@link #wireName() wire name} (used in API error
 * bodies, events and {@code last_verify_error}), a short user-facing {@link #summary() summary}
 * worded as in the vendor pages the product was specified from, whether it {@link #sealsTenant()
 * seals the tenant} (SPEC §2: an unwrap failure of this kind puts the tenant into the sealed state)
 * and whether it is {@link #retryable() retryable} (the same call may succeed later without anybody
 * changing configuration, so the caller may retry with backoff), plus a generic {@link
 * #defaultHint() hint}.
 */
public enum KmsFailure {
  /** The KMS key policy or the role's IAM policy does not allow the operation. */
  ACCESS_DENIED(
      "Cannot access CMK",
      true,
      false,
      "The key policy must grant the platform principal kms:Encrypt, kms:Decrypt and kms:DescribeKey (or, with a role, the role's inline policy must allow kms:Encrypt and kms:Decrypt on the key ARN); check it with: aws kms get-key-policy --key-id <key> --policy-name default"),
  /** STS refused {@code AssumeRole}: trust policy principal or {@code sts:ExternalId} mismatch. */
  ROLE_ASSUMPTION_DENIED(
      "Cannot access CMK: AccessDenied on sts:AssumeRole",
      true,
      false,
      "Check the role's trust policy: Principal.AWS must be the platform account and sts:ExternalId must match the external_id you entered exactly; copy the role ARN from the IAM console"),
  /** No such key or alias in that account and region. */
  NOT_FOUND(
      "Cannot access CMK: key not found",
      true,
      false,
      "Check the region, account and key ARN for typos; get the key ARN with: aws kms describe-key --key-id <alias> --query 'KeyMetadata.Arn' --output text"),
  /** The key exists but is disabled. */
  DISABLED(
      "Cannot access CMK: key is disabled",
      true,
      false,
      "Re-enable the key: aws kms enable-key --key-id <key>"),
  /** The key is scheduled for deletion; data wrapped by it is lost once the deletion completes. */
  PENDING_DELETION(
      "Key is in PENDING_DELETION state",
      true,
      false,
      "Cancel deletion immediately: aws kms cancel-key-deletion --key-id <key>, then re-enable it: aws kms enable-key --key-id <key>"),
  /** The ciphertext was produced by a different key. */
  INCORRECT_KEY(
      "IncorrectKeyException",
      false,
      false,
      "This usually means data was encrypted with a different key; check whether the BYOK key was changed recently and do not delete the old key until migration is complete"),
  /** The ciphertext is corrupt or was produced under a different encryption context. */
  INVALID_CIPHERTEXT(
      "Encryption context mismatch",
      false,
      false,
      "The ciphertext is corrupt or was wrapped under a different encryption context (tenant_id, service, version); check that the tenant and key version match"),
  /** KMS request quota exceeded, after the SDK's own retries with backoff. */
  THROTTLED(
      "KMS ThrottlingException",
      false,
      true,
      "AWS KMS has request quotas per second; retry later, or ask AWS to raise the quota: aws service-quotas get-service-quota --service-code kms --quota-code L-6E65D7BB"),
  /** No answer within the per-attempt or total time bound. */
  TIMEOUT(
      "Verification timed out",
      true,
      true,
      "Check the KMS key is not in a pending-deletion state (aws kms describe-key --key-id <arn>) and that it is in the configured region"),
  /** The KMS or STS endpoint cannot be reached (connection refused, unknown host, no route). */
  UNREACHABLE(
      "KMS unreachable",
      true,
      true,
      "Check network access (DNS, firewall, proxy) from the platform to the KMS endpoint of the key's region; a sealed tenant is retried every 30 s and unseals by itself"),
  /**
   * KMS answered with a server-side error (internal error, dependency timeout, key unavailable).
   */
  UNAVAILABLE(
      "KMS unavailable",
      true,
      true,
      "AWS KMS reported a service-side error; check the AWS Health Dashboard; a sealed tenant is retried every 30 s and unseals by itself"),
  /** The platform itself has no usable AWS credentials: a platform fault, not the tenant's. */
  NO_CREDENTIALS(
      "NoCredentialProviders",
      false,
      false,
      "The platform principal ARN must appear in the trust policy's Principal.AWS field and the role must be saved after adding the trust policy; operators: configure the platform's own AWS credentials"),
  /** The key ARN names a region other than the configured one. */
  WRONG_REGION(
      "Cannot access CMK: wrong region",
      false,
      false,
      "Verify the KMS key is in the correct region: the region in the key ARN must equal the configured region"),
  /** The key is not a symmetric ENCRYPT_DECRYPT key. */
  INVALID_KEY_USAGE(
      "Cannot access CMK: invalid key usage",
      false,
      false,
      "Use a symmetric key: aws kms create-key --key-usage ENCRYPT_DECRYPT --key-spec SYMMETRIC_DEFAULT"),
  /** Anything else; the AWS error code is kept on the exception. */
  OTHER(
      "Cannot access CMK", false, false, "Check the key with: aws kms describe-key --key-id <key>");

  private final String summary;
  private final boolean sealsTenant;
  private final boolean retryable;
  private final String defaultHint;

  KmsFailure(String summary, boolean sealsTenant, boolean retryable, String defaultHint) {
    this.summary = summary;
    this.sealsTenant = sealsTenant;
    this.retryable = retryable;
    this.defaultHint = defaultHint;
  }

  /** Stable snake_case name for API bodies and events, e.g. {@code access_denied}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Short user-facing text in the words of the vendor pages, e.g. {@code KMS ThrottlingException}.
   */
  public String summary() {
    return summary;
  }

  /**
   * True when an unwrap failing this way seals the tenant (fail closed until the key is reachable
   * again).
   */
  public boolean sealsTenant() {
    return sealsTenant;
  }

  /**
   * A generic fix for this failure; {@link KmsException#hint()} gives one naming the actual key and
   * role.
   */
  public String defaultHint() {
    return defaultHint;
  }

  /** True when retrying later, with backoff, may succeed without any configuration change. */
  public boolean retryable() {
    return retryable;
  }
}
