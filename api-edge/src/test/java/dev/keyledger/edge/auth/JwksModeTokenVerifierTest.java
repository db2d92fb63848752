package dev.keyledger.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.SignedJWT;
import dev.keyledger.engine.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code auth.mode=jwks}: the identity provider's tokens, and of KeyLedger's own HS256 tokens only
 * the agent session tokens.
 */
class JwksModeTokenVerifierTest {

  private static final Instant T0 = Instant.parse("2026-05-04T08:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final TestIdentityProvider idp = TestIdentityProvider.start();
  private final JwtKeys sessionKeys = JwtKeys.of(new SecureRandom().generateSeed(32));
  private final TokenIssuer keyLedger = new TokenIssuer(sessionKeys, clock);
  private final TokenVerifier verifier =
      new JwksModeTokenVerifier(idp.settings(), sessionKeys, clock);

  @AfterEach
  void stop() {
    idp.close();
  }

  @Test
  void identityProviderTokensAreAccepted() {
    String token = idp.rs256(idp.claims("alice@acme.example", "acme", T0, "owner").build());

    assertThat(verifier.verifyAccess(token))
        .isEqualTo(new Principal("alice@acme.example", "acme", Set.of(Role.OWNER)));
  }

  @Test
  void agentSessionTokensOfThisInstanceAreAccepted() {
    Principal agent = new Principal("svc@acme.example", "acme", EnumSet.of(Role.AGENT));
    String session = keyLedger.issueAccess(agent, Duration.ofMinutes(5));

    assertThat(verifier.verifyAccess(session)).isEqualTo(agent);
    clock.advance(Duration.ofMinutes(5).plus(OidcSettings.DEFAULT_CLOCK_SKEW));
    assertThatThrownBy(() -> verifier.verify(session))
        .isInstanceOfSatisfying(
            AuthException.class,
            e -> {
              assertThat(e.error()).isEqualTo(AuthError.TOKEN_EXPIRED);
              assertThat(e.hint()).contains("POST /agent/v1/session");
            });
  }

  @Test
  void otherHs256TokensOfTheDataDirSecretAreRefused() {
    Principal owner = new Principal("ops@acme.example", "acme", EnumSet.of(Role.OWNER));
    Principal agentAndAdmin =
        new Principal("svc@acme.example", "acme", EnumSet.of(Role.AGENT, Role.ADMIN));
    Principal agent = new Principal("svc@acme.example", "acme", EnumSet.of(Role.AGENT));

    for (String token :
        new String[] {
          keyLedger.issueAccess(owner),
          keyLedger.issueAccess(agentAndAdmin),
          keyLedger.issueStepUp(agent)
        }) {
      assertThatThrownBy(() -> verifier.verify(token))
          .isInstanceOfSatisfying(
              AuthException.class,
              e -> {
                assertThat(e.error()).isEqualTo(AuthError.INVALID_TOKEN);
                assertThat(e.getMessage())
                    .isEqualTo(
                        "With auth.mode=jwks an HS256 token can only be an agent session token");
              });
    }
  }

  @Test
  void anHs256TokenClaimingTheIdentityProviderIsRefusedAsHmac() throws Exception {
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.HS256),
            idp.claims("alice@acme.example", "acme", T0, "owner").build());
    forged.sign(new MACSigner(idp.rsa.toRSAPublicKey().getEncoded()));

    assertThatThrownBy(() -> verifier.verify(forged.serialize()))
        .isInstanceOfSatisfying(
            AuthException.class,
            e ->
                assertThat(e.getMessage()).startsWith("HMAC-signed token (HS256) is not accepted"));
  }

  @Test
  void anAgentSessionSignedWithAnotherSecretIsRefused() {
    String foreign =
        new TokenIssuer(JwtKeys.of(new SecureRandom().generateSeed(32)), clock)
            .issueAccess(new Principal("svc@acme.example", "acme", EnumSet.of(Role.AGENT)));

    assertThatThrownBy(() -> verifier.verify(foreign))
        .isInstanceOfSatisfying(
            AuthException.class,
            e -> assertThat(e.getMessage()).isEqualTo("Token signature is not valid"));
  }
}
