package dev.keyledger.edge.auth;

/**
 * Verifies KeyLedger bearer tokens. Dev mode and {@code auth.mode=shared-secret} use {@link
 * HmacTokenVerifier}; {@code auth.mode=jwks} uses {@link JwksModeTokenVerifier} (the identity
 * provider's tokens, {@link JwksTokenVerifier}, and KeyLedger's own agent session tokens).
 *
 * <p>Contract of {@link #verify(String)}: it returns only for a token whose signature is valid
 * under the expected algorithm, whose issuer is the expected one, that is not expired and not
 * issued in the future (allowing a small clock skew), and that has a non-blank {@code sub} and
 * tenant ({@code org}, or the configured claim) and at least one known {@link Role} (KeyLedger's
 * own tokens name only known roles; an identity provider's may name others, which are ignored).
 * Every other input, including {@code alg: none}, throws {@link AuthException} with {@link
 * AuthError#MISSING_TOKEN}, {@link AuthError#INVALID_TOKEN} or {@link AuthError#TOKEN_EXPIRED}, or
 * {@link AuthError#IDENTITY_PROVIDER_UNAVAILABLE} when the keys to check it with cannot be fetched.
 * It never throws anything else for any string input.
 */
public interface TokenVerifier {

  /**
   * Verifies a compact JWT (without the {@code Bearer } prefix).
   *
   * @throws AuthException as described on the type
   */
  VerifiedToken verify(String token);

  /**
   * Verifies an access token and returns its caller. A step-up token is refused here, so that the
   * short-lived proof for one destructive call never doubles as an access token.
   *
   * @throws AuthException {@link AuthError#INVALID_TOKEN} for a step-up token, else as {@link
   *     #verify(String)}
   */
  default Principal verifyAccess(String token) {
    VerifiedToken verified = verify(token);
    if (verified.stepUp()) {
      throw new AuthException(
          AuthError.INVALID_TOKEN,
          "A step-up token cannot be used as an access token",
          "Send the access token in Authorization and the step-up token in X-Step-Up");
    }
    return verified.principal();
  }
}
