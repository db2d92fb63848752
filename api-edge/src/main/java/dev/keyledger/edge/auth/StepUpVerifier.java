package dev.keyledger.edge.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Checks the {@code X-Step-Up} token that destructive calls need (SPEC §3): a valid token (see
 * {@link TokenVerifier}) with {@code step_up: true}, the same {@code sub} and {@code org} as the
 * access token, issued no longer ago than the call's window ({@link #DEFAULT_WINDOW}; {@link
 * #UNSEAL_WINDOW} for unseal). The window is measured from {@code iat}, with the verifier's clock
 * skew not applied: a token at exactly the window's age is still accepted, one second older is not.
 *
 * <p>Failures: no header {@link AuthError#STEP_UP_REQUIRED}; too old or past {@code exp} {@link
 * AuthError#STEP_UP_EXPIRED}; anything else {@link AuthError#STEP_UP_INVALID}.
 */
public final class StepUpVerifier {

  /** Step-up window of destructive calls. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

  /** Step-up window of the manual unseal call. */
  public static final Duration UNSEAL_WINDOW = Duration.ofMinutes(2);

  private static final String HINT =
      "Mint a fresh step-up token for the same sub and org "
          + "(keyledger token --step-up ...) and send it in X-Step-Up";

  private final TokenVerifier tokens;
  private final Clock clock;

  public StepUpVerifier(TokenVerifier tokens, Clock clock) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** {@link #verify(Principal, String, Duration)} with {@link #DEFAULT_WINDOW}. */
  public void verify(Principal caller, String stepUpToken) {
    verify(caller, stepUpToken, DEFAULT_WINDOW);
  }

  /**
   * @param caller the principal of the already verified access token
   * @param stepUpToken the {@code X-Step-Up} header value, may be {@code null}
   * @param window how long ago the step-up token may have been issued
   * @throws AuthException with a {@code step_up_*} code, as described on the type
   */
  public void verify(Principal caller, String stepUpToken, Duration window) {
    if (stepUpToken == null || stepUpToken.isBlank()) {
      throw new AuthException(AuthError.STEP_UP_REQUIRED, "This call needs a step-up token", HINT);
    }
    VerifiedToken stepUp = verifyToken(stepUpToken);
    if (!stepUp.stepUp()) {
      throw invalid("X-Step-Up does not carry a step-up token");
    }
    Principal proven = stepUp.principal();
    if (!proven.sub().equals(caller.sub()) || !proven.org().equals(caller.org())) {
      throw invalid("The step-up token was issued to a different sub or org");
    }
    Instant oldestAccepted = clock.instant().minus(window);
    if (stepUp.issuedAt().isBefore(oldestAccepted)) {
      throw new AuthException(
          AuthError.STEP_UP_EXPIRED,
          "The step-up token is older than this call allows (" + window.toSeconds() + " s)",
          HINT);
    }
  }

  private VerifiedToken verifyToken(String stepUpToken) {
    try {
      return tokens.verify(stepUpToken);
    } catch (AuthException e) {
      if (e.error() == AuthError.TOKEN_EXPIRED) {
        throw new AuthException(AuthError.STEP_UP_EXPIRED, "The step-up token expired", HINT);
      }
      throw invalid("The step-up token is not valid: " + e.getMessage());
    }
  }

  private static AuthException invalid(String message) {
    return new AuthException(AuthError.STEP_UP_INVALID, message, HINT);
  }
}
