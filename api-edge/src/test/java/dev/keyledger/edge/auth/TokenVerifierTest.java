package dev.keyledger.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.keyledger.engine.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {

  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private static final Principal ALICE =
      new Principal("alice", "acme", Set.of(Role.OWNER, Role.AUDITOR));

  private final byte[] secret = randomSecret();
  private final JwtKeys keys = JwtKeys.of(secret);
  private final MutableClock clock = new MutableClock(T0);
  private final TokenIssuer issuer = new TokenIssuer(keys, clock);
  private final TokenVerifier verifier = HmacTokenVerifier.forDev(keys, clock);

  @Test
  void accessTokenRoundTrips() {
    VerifiedToken verified = verifier.verify(issuer.issueAccess(ALICE));

    assertThat(verified.principal()).isEqualTo(ALICE);
    assertThat(verified.stepUp()).isFalse();
    assertThat(verified.issuedAt()).isEqualTo(T0);
    assertThat(verified.expiresAt()).isEqualTo(T0.plus(Duration.ofHours(12)));
    assertThat(verified.tokenId()).isNotBlank();
    assertThat(verifier.verifyAccess(issuer.issueAccess(ALICE))).isEqualTo(ALICE);
  }

  @Test
  void issuedClaimsAreTheDocumentedOnes() throws Exception {
    JWTClaimsSet claims =
        SignedJWT.parse(issuer.issueAccess(ALICE, Duration.ofMinutes(30))).getJWTClaimsSet();

    assertThat(claims.getIssuer()).isEqualTo("keyledger-dev");
    assertThat(claims.getSubject()).isEqualTo("alice");
    assertThat(claims.getStringClaim("org")).isEqualTo("acme");
    assertThat(claims.getStringListClaim("roles")).containsExactly("owner", "auditor");
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    assertThat(claims.getClaim("step_up")).isNull();
  }

  @Test
  void tokenFromAnotherSecretIsInvalid() {
    String foreign = new TokenIssuer(JwtKeys.of(randomSecret()), clock).issueAccess(ALICE);

    assertCode(() -> verifier.verify(foreign), AuthError.INVALID_TOKEN);
  }

  @Test
  void tamperedPayloadIsInvalid() throws Exception {
    SignedJWT original = SignedJWT.parse(issuer.issueAccess(ALICE));
    JWTClaimsSet escalated =
        new JWTClaimsSet.Builder(original.getJWTClaimsSet()).claim("org", "victim").build();
    String tampered =
        original.getHeader().toBase64URL()
            + "."
            + Base64URL.encode(escalated.toString().getBytes(StandardCharsets.UTF_8))
            + "."
            + original.getSignature();

    assertCode(() -> verifier.verify(tampered), AuthError.INVALID_TOKEN);
  }

  @Test
  void tamperedSignatureIsInvalid() {
    String token = issuer.issueAccess(ALICE);
    char last = token.charAt(token.length() - 2);
    String tampered =
        token.substring(0, token.length() - 2)
            + (last == 'A' ? 'B' : 'A')
            + token.charAt(token.length() - 1);

    assertCode(() -> verifier.verify(tampered), AuthError.INVALID_TOKEN);
  }

  @Test
  void unsecuredAlgNoneIsInvalid() {
    String unsecured = new PlainJWT(validClaims().build()).serialize();

    assertCode(() -> verifier.verify(unsecured), AuthError.INVALID_TOKEN);
    // the classic downgrade: an HS256 token with its header swapped for alg none and no signature
    String[] parts = issuer.issueAccess(ALICE).split("\\.");
    String noneHeader =
        Base64URL.encode("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)).toString();
    assertCode(() -> verifier.verify(noneHeader + "." + parts[1] + "."), AuthError.INVALID_TOKEN);
  }

  @Test
  void hs512WithTheSameSecretIsInvalid() throws Exception {
    byte[] longSecret = new byte[64];
    System.arraycopy(secret, 0, longSecret, 0, secret.length);
    String hs512 =
        sign(new JWSHeader(JWSAlgorithm.HS512), validClaims().build(), new MACSigner(longSecret));

    assertCode(() -> verifier.verify(hs512), AuthError.INVALID_TOKEN);
  }

  @Test
  void rs256IsInvalid() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).generate();
    String rs256 =
        sign(new JWSHeader(JWSAlgorithm.RS256), validClaims().build(), new RSASSASigner(rsa));

    assertCode(() -> verifier.verify(rs256), AuthError.INVALID_TOKEN);
  }

  @Test
  void expiredTokenIsExpiredOnlyAfterTheClockSkew() {
    String token = issuer.issueAccess(ALICE, Duration.ofMinutes(10));

    clock.advance(Duration.ofMinutes(10).plusSeconds(29));
    assertThat(verifier.verify(token).principal()).isEqualTo(ALICE);
    clock.advance(Duration.ofSeconds(1));
    assertCode(() -> verifier.verify(token), AuthError.TOKEN_EXPIRED);
  }

  @Test
  void tokenIssuedInTheFutureIsInvalid() {
    String token =
        new TokenIssuer(keys, new MutableClock(T0.plus(Duration.ofMinutes(5)))).issueAccess(ALICE);

    assertCode(() -> verifier.verify(token), AuthError.INVALID_TOKEN);
  }

  @Test
  void missingOrBlankClaimsAreInvalid() throws Exception {
    assertCode(
        () -> verifier.verify(signHs256(validClaims().claim("org", null).build())),
        AuthError.INVALID_TOKEN);
    assertCode(
        () -> verifier.verify(signHs256(validClaims().claim("org", " ").build())),
        AuthError.INVALID_TOKEN);
    assertCode(
        () -> verifier.verify(signHs256(validClaims().claim("org", 42).build())),
        AuthError.INVALID_TOKEN);
    assertCode(
        () -> verifier.verify(signHs256(validClaims().subject(null).build())),
        AuthError.INVALID_TOKEN);
    assertCode(
        () -> verifier.verify(signHs256(validClaims().claim("roles", null).build())),
        AuthError.INVALID_TOKEN);
    assertCode(
        () -> verifier.verify(signHs256(validClaims().claim("roles", List.of()).build())),
        AuthError.INVALID_TOKEN);
    assertCode(
        () -> verifier.verify(signHs256(validClaims().expirationTime(null).build())),
        AuthError.INVALID_TOKEN);
    assertCode(
        () -> verifier.verify(signHs256(validClaims().issueTime(null).build())),
        AuthError.INVALID_TOKEN);
    assertCode(
        () -> verifier.verify(signHs256(validClaims().issuer("someone-else").build())),
        AuthError.INVALID_TOKEN);
  }

  @Test
  void unknownRoleIsInvalid() throws Exception {
    String token = signHs256(validClaims().claim("roles", List.of("owner", "superuser")).build());

    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOfSatisfying(
            AuthException.class,
            e -> {
              assertThat(e.error()).isEqualTo(AuthError.INVALID_TOKEN);
              assertThat(e.hint()).contains("owner, admin, auditor, agent, platform");
            });
  }

  @Test
  void garbageAndMissingTokensHaveStableCodes() {
    assertCode(() -> verifier.verify(null), AuthError.MISSING_TOKEN);
    assertCode(() -> verifier.verify("  "), AuthError.MISSING_TOKEN);
    assertCode(() -> verifier.verify("not-a-jwt"), AuthError.INVALID_TOKEN);
    assertCode(() -> verifier.verify("a.b.c"), AuthError.INVALID_TOKEN);
    assertCode(() -> verifier.verify("x".repeat(10_000)), AuthError.INVALID_TOKEN);
    for (String hostile :
        List.of(
            "..",
            "a.b",
            "e30.e30.",
            "e30.e30.e30",
            "eyJhbGciOiJIUzI1NiJ9..",
            "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.AAAA",
            "eyJhbGciOiJIUzI1NiIsImNyaXQiOlsieCJdLCJ4IjoxfQ.e30.AAAA",
            "\u0000.\u0000.\u0000")) {
      assertCode(() -> verifier.verify(hostile), AuthError.INVALID_TOKEN);
    }
  }

  @Test
  void stepUpTokenIsNotAnAccessToken() {
    String stepUp = issuer.issueStepUp(ALICE);

    assertThat(verifier.verify(stepUp).stepUp()).isTrue();
    assertCode(() -> verifier.verifyAccess(stepUp), AuthError.INVALID_TOKEN);
  }

  @Test
  void messagesNeverEchoTheToken() {
    String foreign = new TokenIssuer(JwtKeys.of(randomSecret()), clock).issueAccess(ALICE);

    assertThatThrownBy(() -> verifier.verify(foreign))
        .isInstanceOfSatisfying(
            AuthException.class,
            e ->
                assertThat(e.getMessage() + e.hint())
                    .doesNotContain(foreign.split("\\.")[2])
                    .doesNotContain("alice"));
  }

  private JWTClaimsSet.Builder validClaims() {
    return new JWTClaimsSet.Builder()
        .issuer("keyledger-dev")
        .subject("alice")
        .claim("org", "acme")
        .claim("roles", List.of("owner"))
        .issueTime(Date.from(T0))
        .expirationTime(Date.from(T0.plus(Duration.ofHours(1))));
  }

  private String signHs256(JWTClaimsSet claims) throws JOSEException {
    return sign(new JWSHeader(JWSAlgorithm.HS256), claims, keys.signer());
  }

  private static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer)
      throws JOSEException {
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  static void assertCode(ThrowingCallable call, AuthError expected) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            AuthException.class, e -> assertThat(e.error()).isEqualTo(expected));
  }

  private static byte[] randomSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
