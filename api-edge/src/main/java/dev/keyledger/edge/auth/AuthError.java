package dev.keyledger.edge.auth;

/**
 * Why a request was not authenticated or not authorised. {@link #code()} is a stable wire value for
 * the {@code error.type} of the error body; {@link #httpStatus()} is the status to answer with.
 *
 * <p>Step-up failures answer 401 like a missing or bad access token (RFC 9470 does the same for
 * "insufficient user authentication"): the client must obtain a fresh credential, not different
 * rights.
 */
public enum AuthError {
  /** No {@code Authorization: Bearer} header. */
  MISSING_TOKEN("missing_token", 401),
  /** Malformed token, bad signature, wrong algorithm, wrong issuer, missing or unknown claims. */
  INVALID_TOKEN("invalid_token", 401),
  /** A well-signed token past its {@code exp}. */
  TOKEN_EXPIRED("token_expired", 401),
  /** A valid token without a role the call needs. */
  FORBIDDEN("forbidden", 403),
  /** A destructive call without an {@code X-Step-Up} header. */
  STEP_UP_REQUIRED("step_up_required", 401),
  /** An {@code X-Step-Up} token that is not a valid step-up token for this caller. */
  STEP_UP_INVALID("step_up_invalid", 401),
  /** A step-up token issued longer ago than the call allows, or past its {@code exp}. */
  STEP_UP_EXPIRED("step_up_expired", 401),
  /**
   * The identity provider's keys could not be fetched, so no token of it can be checked now; not
   * the caller's fault (503, {@code Retry-After}).
   */
  IDENTITY_PROVIDER_UNAVAILABLE("identity_provider_unavailable", 503);

  /** {@code Retry-After} of {@link #IDENTITY_PROVIDER_UNAVAILABLE}: a few key fetches apart. */
  public static final int RETRY_AFTER_SECONDS = 5;

  private final String code;
  private final int httpStatus;

  AuthError(String code, int httpStatus) {
    this.code = code;
    this.httpStatus = httpStatus;
  }

  /** The stable wire code, e.g. {@code token_expired}. */
  public String code() {
    return code;
  }

  /** 401, 403, or 503 for {@link #IDENTITY_PROVIDER_UNAVAILABLE}. */
  public int httpStatus() {
    return httpStatus;
  }
}
