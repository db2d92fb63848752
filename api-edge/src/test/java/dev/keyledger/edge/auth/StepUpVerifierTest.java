package dev.keyledger.edge.auth;

import static dev.keyledger.edge.auth.TokenVerifierTest.assertCode;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.keyledger.engine.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StepUpVerifierTest {

  private static final Principal ALICE = new Principal("alice", "acme", Set.of(Role.OWNER));

  private final JwtKeys keys = JwtKeys.of(new SecureRandom().generateSeed(32));
  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
  private final TokenIssuer issuer = new TokenIssuer(keys, clock);
  private final StepUpVerifier stepUp =
      new StepUpVerifier(HmacTokenVerifier.forDev(keys, clock), clock);

  @Test
  void freshStepUpTokenOfTheSameCallerPasses() {
    String token = issuer.issueStepUp(ALICE);
    clock.advance(Duration.ofMinutes(4));

    assertThatCode(() -> stepUp.verify(ALICE, token)).doesNotThrowAnyException();
  }

  @Test
  void missingHeaderIsRequired() {
    assertCode(() -> stepUp.verify(ALICE, null), AuthError.STEP_UP_REQUIRED);
    assertCode(() -> stepUp.verify(ALICE, ""), AuthError.STEP_UP_REQUIRED);
  }

  @Test
  void stepUpOfAnotherSubIsInvalid() {
    String bobs = issuer.issueStepUp(new Principal("bob", "acme", Set.of(Role.OWNER)));

    assertCode(() -> stepUp.verify(ALICE, bobs), AuthError.STEP_UP_INVALID);
  }

  @Test
  void stepUpOfAnotherOrgIsInvalid() {
    String otherOrg = issuer.issueStepUp(new Principal("alice", "globex", Set.of(Role.OWNER)));

    assertCode(() -> stepUp.verify(ALICE, otherOrg), AuthError.STEP_UP_INVALID);
  }

  @Test
  void accessTokenIsNotAStepUpToken() {
    assertCode(() -> stepUp.verify(ALICE, issuer.issueAccess(ALICE)), AuthError.STEP_UP_INVALID);
  }

  @Test
  void forgedStepUpIsInvalid() {
    String forged =
        new TokenIssuer(JwtKeys.of(new SecureRandom().generateSeed(32)), clock).issueStepUp(ALICE);

    assertCode(() -> stepUp.verify(ALICE, forged), AuthError.STEP_UP_INVALID);
    assertCode(() -> stepUp.verify(ALICE, "garbage"), AuthError.STEP_UP_INVALID);
  }

  @Test
  void tooOldForTheDefaultWindowIsExpired() {
    String token = issuer.issueStepUp(ALICE);
    clock.advance(Duration.ofMinutes(5));
    assertThatCode(() -> stepUp.verify(ALICE, token)).doesNotThrowAnyException();

    clock.advance(Duration.ofSeconds(1));
    assertCode(() -> stepUp.verify(ALICE, token), AuthError.STEP_UP_EXPIRED);
  }

  @Test
  void pastItsExpIsExpired() {
    String token = issuer.issueStepUp(ALICE);
    clock.advance(Duration.ofMinutes(6));

    assertCode(() -> stepUp.verify(ALICE, token, Duration.ofHours(1)), AuthError.STEP_UP_EXPIRED);
  }

  @Test
  void unsealWindowIsTwoMinutes() {
    String token = issuer.issueStepUp(ALICE);
    clock.advance(Duration.ofMinutes(2));
    assertThatCode(() -> stepUp.verify(ALICE, token, StepUpVerifier.UNSEAL_WINDOW))
        .doesNotThrowAnyException();

    clock.advance(Duration.ofSeconds(1));
    assertCode(
        () -> stepUp.verify(ALICE, token, StepUpVerifier.UNSEAL_WINDOW), AuthError.STEP_UP_EXPIRED);
    assertThatCode(() -> stepUp.verify(ALICE, token)).doesNotThrowAnyException();
  }
}
