package dev.keyledger.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.engine.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachingTokenVerifierTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Principal ALICE = new Principal("alice", "acme", Set.of(Role.AGENT));

  private final JwtKeys keys = JwtKeys.of(secret());
  private final MutableClock clock = new MutableClock(T0);
  private final TokenIssuer issuer = new TokenIssuer(keys, clock);
  private final AtomicInteger checks = new AtomicInteger();
  private final TokenVerifier real = HmacTokenVerifier.forDev(keys, clock);
  private final TokenVerifier counted =
      token -> {
        checks.incrementAndGet();
        return real.verify(token);
      };
  private final CachingTokenVerifier verifier =
      new CachingTokenVerifier(counted, clock, HmacTokenVerifier.DEFAULT_CLOCK_SKEW, 100);

  @Test
  void anAcceptedTokenIsCheckedOnceAndAnsweredTheSameAfterwards() {
    String token = issuer.issueAccess(ALICE, Duration.ofMinutes(10));
    VerifiedToken first = verifier.verify(token);
    for (int i = 0; i < 5; i++) {
      assertThat(verifier.verify(token)).isEqualTo(first);
    }
    assertThat(first.principal()).isEqualTo(ALICE);
    assertThat(checks).hasValue(1);
  }

  @Test
  void aRememberedTokenExpiresAsTheWrappedVerifierSaysAndIsThenRefused() {
    String token = issuer.issueAccess(ALICE, Duration.ofMinutes(10));
    verifier.verify(token);
    clock.advance(
        Duration.ofMinutes(10).plus(HmacTokenVerifier.DEFAULT_CLOCK_SKEW).minusSeconds(1));
    assertThat(verifier.verify(token).principal()).isEqualTo(ALICE);
    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOfSatisfying(
            AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.TOKEN_EXPIRED));
    assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(AuthException.class);
  }

  @Test
  void refusedTokensAreNeverRememberedAndATamperedOneIsCheckedAfresh() {
    String token = issuer.issueAccess(ALICE, Duration.ofMinutes(10));
    verifier.verify(token);
    String tampered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> verifier.verify(tampered)).isInstanceOf(AuthException.class);
      assertThatThrownBy(() -> verifier.verify("garbage")).isInstanceOf(AuthException.class);
    }
    assertThat(checks).as("1 accepted + 6 refusals, each checked").hasValue(7);
    assertThatThrownBy(() -> verifier.verify(null))
        .isInstanceOfSatisfying(
            AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.MISSING_TOKEN));
  }

  @Test
  void aStepUpTokenStaysRefusedAsAnAccessToken() {
    String stepUp = issuer.issueStepUp(ALICE);
    assertThat(verifier.verify(stepUp).stepUp()).isTrue();
    assertThatThrownBy(() -> verifier.verifyAccess(stepUp)).isInstanceOf(AuthException.class);
  }

  private static byte[] secret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
