package dev.keyledger.engine.kms;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A customer-KMS call failed. The {@link #failure() failure} says why in provider-neutral terms and
 * carries the retry advice ({@link KmsFailure#retryable()}) and whether the tenant must be sealed
 * ({@link KmsFailure#sealsTenant()}); {@link #getMessage()} is user-facing text in the words of the
 * vendor pages (for AWS it includes the AWS error message, which names principals and keys but
 * never credentials or key bytes); {@link #hint()} is a concrete fix, usually an {@code aws} CLI
 * command.
 */
public final class KmsException extends Exception {
  private static final long serialVersionUID = 1L;

  private final KmsFailure failure;
  private final String awsErrorCode;
  private final String hint;
  private final Long retryAfterSeconds;

  /**
   * @param failure why the call failed
   * @param message user-facing message
   * @param awsErrorCode the provider's error code (e.g. {@code AccessDeniedException}), or null
   * @param hint a concrete fix; null means {@link KmsFailure#defaultHint()}
   * @param retryAfterSeconds when to retry, or null when there is no such advice
   * @param cause the provider exception, or null
   */
  public KmsException(
      KmsFailure failure,
      String message,
      String awsErrorCode,
      String hint,
      Long retryAfterSeconds,
      Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.failure = Objects.requireNonNull(failure, "failure");
    this.awsErrorCode = awsErrorCode;
    this.hint = hint != null ? hint : failure.defaultHint();
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** A failure with its summary as message, the default hint and no provider error. */
  public KmsException(KmsFailure failure, String message) {
    this(failure, message, null, null, null, null);
  }

  public KmsFailure failure() {
    return failure;
  }

  /**
   * The provider's error code, e.g. {@code AccessDeniedException} or {@code AccessDenied} (STS);
   * null if none.
   */
  public String awsErrorCode() {
    return awsErrorCode;
  }

  /** A concrete fix for the user, never null. */
  public String hint() {
    return hint;
  }

  /** Seconds to wait before retrying; present for {@link KmsFailure#THROTTLED}. */
  public OptionalLong retryAfterSeconds() {
    return retryAfterSeconds == null ? OptionalLong.empty() : OptionalLong.of(retryAfterSeconds);
  }
}
