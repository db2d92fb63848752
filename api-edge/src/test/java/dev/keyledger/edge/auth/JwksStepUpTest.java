package dev.keyledger.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.keyledger.engine.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Step-up with an identity provider ({@link StepUpVerifier#forIdentityProvider}): a token of the
 * same sub and tenant whose {@code auth_time} is within the window and whose {@code acr} is listed;
 * every refusal says what to ask the identity provider for.
 */
class JwksStepUpTest {

  private static final Instant T0 = Instant.parse("2026-05-04T08:00:00Z");
  private static final Principal ALICE =
      new Principal("alice@acme.example", "acme", Set.of(Role.OWNER));

  private final MutableClock clock = new MutableClock(T0);
  private final TestIdentityProvider idp = TestIdentityProvider.start();
  private final JwtKeys sessionKeys = JwtKeys.of(new SecureRandom().generateSeed(32));
  private final TokenVerifier tokens =
      new JwksModeTokenVerifier(idp.settings(), sessionKeys, clock);
  private final StepUpVerifier stepUp =
      StepUpVerifier.forIdentityProvider(tokens, List.of("mfa", "phr"), clock);

  @AfterEach
  void stop() {
    idp.close();
  }

  /** A token of alice's sign-in at {@code authTime} with {@code acr}, issued now. */
  private String signIn(Instant authTime, String acr) {
    return signIn("alice@acme.example", "acme", authTime, acr);
  }

  private String signIn(String sub, String org, Instant authTime, String acr) {
    JWTClaimsSet.Builder claims =
        idp.claims(sub, org, clock.instant(), "owner")
            .claim("auth_time", authTime.getEpochSecond());
    return idp.rs256(acr == null ? claims.build() : claims.claim("acr", acr).build());
  }

  @Test
  void aRecentSignInWithAListedAcrIsAStepUp() {
    String token = signIn(T0, "phr");
    clock.advance(Duration.ofMinutes(5));

    assertThatCode(() -> stepUp.verify(ALICE, token)).doesNotThrowAnyException();
  }

  @Test
  void theWindowCountsFromTheSignInNotFromTheTokenRefresh() {
    clock.advance(Duration.ofMinutes(10));
    String refreshed = signIn(T0, "mfa");

    assertRefused(
        () -> stepUp.verify(ALICE, refreshed),
        AuthError.STEP_UP_EXPIRED,
        "The step-up token's sign-in (auth_time) is older than this call allows (300 s)",
        "max_age=300 and acr_values=mfa phr");
  }

  @Test
  void aSignInOneSecondTooOldIsStale() {
    String token = signIn(T0, "mfa");
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));

    assertRefused(
        () -> stepUp.verify(ALICE, token),
        AuthError.STEP_UP_EXPIRED,
        "The step-up token's sign-in (auth_time) is older than this call allows (300 s)",
        "Sign in again at the identity provider with max_age=300 and acr_values=mfa phr");
  }

  @Test
  void unsealAllowsTwoMinutes() {
    String token = signIn(T0, "mfa");
    clock.advance(Duration.ofMinutes(2));
    assertThatCode(() -> stepUp.verify(ALICE, token, StepUpVerifier.UNSEAL_WINDOW))
        .doesNotThrowAnyException();

    clock.advance(Duration.ofSeconds(1));
    assertRefused(
        () -> stepUp.verify(ALICE, token, StepUpVerifier.UNSEAL_WINDOW),
        AuthError.STEP_UP_EXPIRED,
        "The step-up token's sign-in (auth_time) is older than this call allows (120 s)",
        "max_age=120");
  }

  @Test
  void anAcrThatIsNotListedIsRefused() {
    assertRefused(
        () -> stepUp.verify(ALICE, signIn(T0, "pwd")),
        AuthError.STEP_UP_INVALID,
        "The step-up token's acr is not one that this call accepts",
        "acr_values=mfa phr");
    assertRefused(
        () -> stepUp.verify(ALICE, signIn(T0, null)),
        AuthError.STEP_UP_INVALID,
        "The step-up token's acr is not one that this call accepts",
        "acr_values=mfa phr");
  }

  @Test
  void aSignInOfAnotherSubOrTenantIsRefused() {
    assertRefused(
        () -> stepUp.verify(ALICE, signIn("bob@acme.example", "acme", T0, "mfa")),
        AuthError.STEP_UP_INVALID,
        "The step-up token was issued to a different sub or org",
        "max_age=300");
    assertRefused(
        () -> stepUp.verify(ALICE, signIn("alice@acme.example", "globex", T0, "mfa")),
        AuthError.STEP_UP_INVALID,
        "The step-up token was issued to a different sub or org",
        "max_age=300");
  }

  @Test
  void aMissingStepUpSaysWhatToAskFor() {
    assertRefused(
        () -> stepUp.verify(ALICE, null),
        AuthError.STEP_UP_REQUIRED,
        "This call needs a step-up token",
        "max_age=300 and acr_values=mfa phr");
  }

  @Test
  void withoutAuthTimeThereIsNoProof() {
    String token =
        idp.rs256(
            idp.claims("alice@acme.example", "acme", T0, "owner")
                .claim("auth_time", null)
                .claim("acr", "mfa")
                .build());

    assertRefused(
        () -> stepUp.verify(ALICE, token),
        AuthError.STEP_UP_INVALID,
        "The step-up token has no auth_time claim",
        "max_age=300");
  }

  @Test
  void anExpiredOrForeignStepUpTokenIsRefused() {
    String token = signIn(T0, "mfa");
    clock.advance(Duration.ofHours(2));
    assertRefused(
        () -> stepUp.verify(ALICE, token, Duration.ofHours(3)),
        AuthError.STEP_UP_EXPIRED,
        "The step-up token expired",
        "max_age=10800");

    assertRefused(
        () -> stepUp.verify(ALICE, "garbage"),
        AuthError.STEP_UP_INVALID,
        "The step-up token is not valid: Malformed token",
        "max_age=300");
  }

  @Test
  void keyLedgersOwnStepUpTokensDoNotCountWithAnIdentityProvider() {
    String own = new TokenIssuer(sessionKeys, clock).issueStepUp(ALICE);

    assertRefused(
        () -> stepUp.verify(ALICE, own),
        AuthError.STEP_UP_INVALID,
        "The step-up token is not valid: With auth.mode=jwks an HS256 token can only be an agent"
            + " session token",
        "max_age=300");
  }

  @Test
  void withoutConfiguredAcrValuesEveryStepUpIsRefused() {
    StepUpVerifier none = StepUpVerifier.forIdentityProvider(tokens, List.of(), clock);

    assertRefused(
        () -> none.verify(ALICE, signIn(T0, "mfa")),
        AuthError.STEP_UP_INVALID,
        "This instance accepts no step-up token: auth.stepup.acr is not set",
        "auth.stepup.acr");
  }

  private static void assertRefused(
      ThrowingCallable call, AuthError error, String message, String hintPart) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            AuthException.class,
            e -> {
              assertThat(e.error()).isEqualTo(error);
              assertThat(e.getMessage()).isEqualTo(message);
              assertThat(e.hint()).contains(hintPart);
            });
  }
}
