package dev.keyledger.edge.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Checks the {@code X-Step-Up} token that destructive calls need (SPEC §3): a valid token (see
 * {@link TokenVerifier}) of the same {@code sub} and tenant as the access token, proving a recent
 * authentication within the call's window ({@link #DEFAULT_WINDOW}; {@link #UNSEAL_WINDOW} for
 * unseal). What proves it depends on who issues tokens:
 *
 * <ul>
 *   <li>KeyLedger's own HS256 tokens ({@link #StepUpVerifier(TokenVerifier, Clock)}, dev mode and
 *       {@code auth.mode=shared-secret}): {@code step_up: true}, and {@code iat} within the window.
 *   <li>An identity provider's tokens ({@link #forIdentityProvider}, {@code auth.mode=jwks}): an
 *       {@code acr} among the configured values, and {@code auth_time} (the sign-in, not the token
 *       refresh) within the window. The hint names what to ask the identity provider for: {@code
 *       max_age=<window in seconds>} and {@code acr_values}.
 * </ul>
 *
 * <p>The window is measured with the verifier's clock skew not applied: a proof at exactly the
 * window's age is still accepted, one second older is not. Failures: no header {@link
 * AuthError#STEP_UP_REQUIRED}; too old or past {@code exp} {@link AuthError#STEP_UP_EXPIRED};
 * anything else {@link AuthError#STEP_UP_INVALID}, except that {@link
 * AuthError#IDENTITY_PROVIDER_UNAVAILABLE} passes through.
 */
public final class StepUpVerifier {

  /** Step-up window of destructive calls. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

  /** Step-up window of the manual unseal call. */
  public static final Duration UNSEAL_WINDOW = Duration.ofMinutes(2);

  private final TokenVerifier tokens;
  private final Clock clock;
  private final Proof proof;

  /** Step-up by KeyLedger's own HS256 step-up tokens ({@code keyledger token --step-up}). */
  public StepUpVerifier(TokenVerifier tokens, Clock clock) {
    this(tokens, clock, new StepUpFlag());
  }

  private StepUpVerifier(TokenVerifier tokens, Clock clock, Proof proof) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.proof = proof;
  }

  /**
   * Step-up by a recent sign-in at the identity provider.
   *
   * @param tokens the verifier of the identity provider's tokens
   * @param acrValues the {@code acr} values that count as a step-up ({@code auth.stepup.acr});
   *     empty = every step-up is refused
   */
  public static StepUpVerifier forIdentityProvider(
      TokenVerifier tokens, List<String> acrValues, Clock clock) {
    return new StepUpVerifier(tokens, clock, new RecentSignIn(List.copyOf(acrValues)));
  }

  /** {@link #verify(Principal, String, Duration)} with {@link #DEFAULT_WINDOW}. */
  public void verify(Principal caller, String stepUpToken) {
    verify(caller, stepUpToken, DEFAULT_WINDOW);
  }

  /**
   * @param caller the principal of the already verified access token
   * @param stepUpToken the {@code X-Step-Up} header value, may be {@code null}
   * @param window how long ago the proven authentication may have happened
   * @throws AuthException with a {@code step_up_*} code, as described on the type
   */
  public void verify(Principal caller, String stepUpToken, Duration window) {
    String hint = proof.hint(window);
    if (stepUpToken == null || stepUpToken.isBlank()) {
      throw new AuthException(AuthError.STEP_UP_REQUIRED, "This call needs a step-up token", hint);
    }
    VerifiedToken stepUp = verifyToken(stepUpToken, hint);
    Principal proven = stepUp.principal();
    if (!proven.sub().equals(caller.sub()) || !proven.org().equals(caller.org())) {
      throw new AuthException(
          AuthError.STEP_UP_INVALID,
          "The step-up token was issued to a different sub or org",
          hint);
    }
    proof.check(stepUp, clock.instant().minus(window), window, hint);
  }

  private VerifiedToken verifyToken(String stepUpToken, String hint) {
    try {
      return tokens.verify(stepUpToken);
    } catch (AuthException e) {
      if (e.error() == AuthError.IDENTITY_PROVIDER_UNAVAILABLE) {
        throw e;
      }
      if (e.error() == AuthError.TOKEN_EXPIRED) {
        throw new AuthException(AuthError.STEP_UP_EXPIRED, "The step-up token expired", hint);
      }
      throw new AuthException(
          AuthError.STEP_UP_INVALID, "The step-up token is not valid: " + e.getMessage(), hint);
    }
  }

  /** What, beyond the same sub and tenant, makes a verified token a step-up proof. */
  private interface Proof {

    /** What the caller does to obtain a proof for {@code window}. */
    String hint(Duration window);

    /**
     * @param oldestAccepted now minus the window
     * @throws AuthException {@code step_up_invalid} or {@code step_up_expired}
     */
    void check(VerifiedToken token, Instant oldestAccepted, Duration window, String hint);
  }

  /** KeyLedger's own step-up tokens: {@code step_up: true}, issued within the window. */
  private static final class StepUpFlag implements Proof {

    @Override
    public String hint(Duration window) {
      return "Mint a fresh step-up token for the same sub and org "
          + "(keyledger token --step-up ...) and send it in X-Step-Up";
    }

    @Override
    public void check(VerifiedToken token, Instant oldestAccepted, Duration window, String hint) {
      if (!token.stepUp()) {
        throw new AuthException(
            AuthError.STEP_UP_INVALID, "X-Step-Up does not carry a step-up token", hint);
      }
      if (token.issuedAt().isBefore(oldestAccepted)) {
        throw new AuthException(
            AuthError.STEP_UP_EXPIRED,
            "The step-up token is older than this call allows (" + window.toSeconds() + " s)",
            hint);
      }
    }
  }

  /** An identity provider's token: a listed {@code acr}, {@code auth_time} within the window. */
  private static final class RecentSignIn implements Proof {

    private final List<String> acrValues;

    RecentSignIn(List<String> acrValues) {
      this.acrValues = acrValues;
    }

    @Override
    public String hint(Duration window) {
      if (acrValues.isEmpty()) {
        return "An operator sets auth.stepup.acr to the acr values the identity provider issues"
            + " for a strong sign-in";
      }
      return "Sign in again at the identity provider with max_age="
          + window.toSeconds()
          + " and acr_values="
          + String.join(" ", acrValues)
          + " in the authorization request, and send that token in X-Step-Up";
    }

    @Override
    public void check(VerifiedToken token, Instant oldestAccepted, Duration window, String hint) {
      if (acrValues.isEmpty()) {
        throw new AuthException(
            AuthError.STEP_UP_INVALID,
            "This instance accepts no step-up token: auth.stepup.acr is not set",
            hint);
      }
      if (token.acr() == null || !acrValues.contains(token.acr())) {
        throw new AuthException(
            AuthError.STEP_UP_INVALID,
            "The step-up token's acr is not one that this call accepts",
            hint);
      }
      if (token.authTime() == null) {
        throw new AuthException(
            AuthError.STEP_UP_INVALID, "The step-up token has no auth_time claim", hint);
      }
      if (token.authTime().isBefore(oldestAccepted)) {
        throw new AuthException(
            AuthError.STEP_UP_EXPIRED,
            "The step-up token's sign-in (auth_time) is older than this call allows ("
                + window.toSeconds()
                + " s)",
            hint);
      }
    }
  }
}
