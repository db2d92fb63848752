package dev.keyledger.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.keyledger.engine.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JwksTokenVerifier} against a JWK set served over real HTTP by {@link
 * TestIdentityProvider}: what it accepts, and each refusal with its own message.
 */
class JwksTokenVerifierTest {

  private static final Instant T0 = Instant.parse("2026-05-04T08:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final TestIdentityProvider idp = TestIdentityProvider.start();
  private final JwksTokenVerifier verifier = new JwksTokenVerifier(idp.settings(), clock);

  @AfterEach
  void stop() {
    idp.close();
  }

  private JWTClaimsSet.Builder alice() {
    return idp.claims("alice@acme.example", "acme", T0, "owner", "auditor");
  }

  @Test
  void rs256TokenSignedByAPublishedKeyIsAccepted() {
    VerifiedToken verified = verifier.verify(idp.rs256(alice().claim("acr", "mfa").build()));

    assertThat(verified.principal())
        .isEqualTo(new Principal("alice@acme.example", "acme", Set.of(Role.OWNER, Role.AUDITOR)));
    assertThat(verified.issuedAt()).isEqualTo(T0);
    assertThat(verified.expiresAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
    assertThat(verified.authTime()).isEqualTo(T0);
    assertThat(verified.acr()).isEqualTo("mfa");
    assertThat(verified.stepUp()).isFalse();
    assertThat(verified.tokenId()).isNotBlank();
  }

  @Test
  void es256AndEdDsaTokensAreAccepted() {
    assertThat(verifier.verify(idp.es256(alice().build())).principal().sub())
        .isEqualTo("alice@acme.example");
    assertThat(verifier.verify(idp.edDsa(alice().build())).principal().org()).isEqualTo("acme");
    assertThat(idp.jwksRequests()).as("one fetch serves every key of the set").isEqualTo(1);
  }

  @Test
  void ed448TokensAreAccepted() throws Exception {
    KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
    idp.publish(idp.rsa, TestIdentityProvider.okp(ed448, Curve.Ed448, "ed448-1"));

    String token = TestIdentityProvider.edDsa(ed448, "ed448-1", alice().build());

    assertThat(verifier.verify(token).principal().sub()).isEqualTo("alice@acme.example");
    assertRefused(
        TestIdentityProvider.edDsa(
            KeyPairGenerator.getInstance("Ed448").generateKeyPair(), "ed448-1", alice().build()),
        AuthError.INVALID_TOKEN,
        "Token signature is not valid");
  }

  @Test
  void audienceMayBeOneOfSeveral() {
    String token = idp.rs256(alice().audience(List.of("account", "keyledger")).build());

    assertThat(verifier.verify(token).principal().sub()).isEqualTo("alice@acme.example");
  }

  @Test
  void wrongAudienceIsRefused() {
    String token = idp.rs256(alice().audience("another-api").build());

    assertRefused(token, AuthError.INVALID_TOKEN, "Token audience is not accepted");
    assertRefused(
        idp.rs256(alice().audience((String) null).build()),
        AuthError.INVALID_TOKEN,
        "Token audience is not accepted");
  }

  @Test
  void wrongIssuerIsRefusedBeforeAnyKeyIsFetched() {
    String token = idp.rs256(alice().issuer("https://evil.example/").build());

    assertRefused(token, AuthError.INVALID_TOKEN, "Token issuer is not accepted");
    assertThat(idp.jwksRequests()).isZero();
  }

  @Test
  void expiredTokenIsRefusedOnlyAfterTheClockSkew() {
    String token = idp.rs256(alice().build());

    clock.advance(Duration.ofHours(1).plusSeconds(59));
    assertThat(verifier.verify(token).principal().sub()).isEqualTo("alice@acme.example");
    clock.advance(Duration.ofSeconds(1));
    assertRefused(token, AuthError.TOKEN_EXPIRED, "Token expired");
  }

  @Test
  void algNoneIsRefused() {
    String unsigned = new PlainJWT(alice().build()).serialize();

    assertRefused(unsigned, AuthError.INVALID_TOKEN, "Unsigned token (alg: none) is not accepted");
  }

  @Test
  void hs256SignedWithThePublicKeyIsRefused() throws Exception {
    JWTClaimsSet claims = alice().build();
    byte[] der = idp.rsa.toRSAPublicKey().getEncoded();
    byte[] pem =
        ("-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] jwk = idp.rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);

    for (byte[] publicKeyAsSecret : List.of(der, pem, jwk)) {
      SignedJWT forged =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(idp.rsa.getKeyID()).build(), claims);
      forged.sign(new MACSigner(publicKeyAsSecret));

      assertRefused(
          forged.serialize(),
          AuthError.INVALID_TOKEN,
          "HMAC-signed token (HS256) is not accepted: the identity provider's keys are public"
              + " keys, never HMAC secrets");
    }
  }

  @Test
  void algorithmNotConfiguredIsRefused() throws Exception {
    SignedJWT ps256 =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.PS256).keyID(idp.rsa.getKeyID()).build(),
            alice().build());
    ps256.sign(new com.nimbusds.jose.crypto.RSASSASigner(idp.rsa));

    assertRefused(
        ps256.serialize(),
        AuthError.INVALID_TOKEN,
        "Token algorithm is not accepted (auth.algorithms: ES256, EdDSA, RS256)");
  }

  @Test
  void unknownKidIsRefusedAfterOneRateLimitedRefresh() {
    RSAKey unpublished = TestIdentityProvider.rsaKey("rsa-unknown");
    String token = TestIdentityProvider.rs256(unpublished, alice().build());
    String message = "Token key id (kid) is not in the identity provider's key set";

    assertRefused(token, AuthError.INVALID_TOKEN, message);
    assertThat(idp.jwksRequests()).as("first fetch, then one refresh for the kid").isEqualTo(2);

    assertRefused(token, AuthError.INVALID_TOKEN, message);
    assertRefused(
        TestIdentityProvider.rs256(TestIdentityProvider.rsaKey("rsa-other"), alice().build()),
        AuthError.INVALID_TOKEN,
        message);
    assertThat(idp.jwksRequests()).as("rate limit: two fetches per 30 s").isEqualTo(2);

    clock.advance(IdentityProviderKeys.MIN_FETCH_INTERVAL);
    assertRefused(token, AuthError.INVALID_TOKEN, message);
    assertThat(idp.jwksRequests()).as("the next interval allows a refresh again").isEqualTo(3);
  }

  @Test
  void aRotatedKeyIsUsedWithoutARestart() {
    assertThat(verifier.verify(idp.rs256(alice().build())).principal().org()).isEqualTo("acme");

    RSAKey next = TestIdentityProvider.rsaKey("rsa-2");
    idp.publish(next, idp.ec);
    String signedByNext = TestIdentityProvider.rs256(next, alice().build());

    assertThat(verifier.verify(signedByNext).principal().org()).isEqualTo("acme");
    assertThat(idp.jwksRequests()).isEqualTo(2);
    assertRefused(
        idp.rs256(alice().jwtID("old").build()),
        AuthError.INVALID_TOKEN,
        "Token key id (kid) is not in the identity provider's key set");
  }

  @Test
  void theKeySetIsFetchedAgainWhenItsCacheExpires() {
    verifier.verify(idp.rs256(alice().build()));
    verifier.verify(idp.es256(alice().build()));
    assertThat(idp.jwksRequests()).isEqualTo(1);

    clock.advance(IdentityProviderKeys.CACHE_TTL.plusSeconds(1));
    verifier.verify(idp.rs256(alice().build()));

    assertThat(idp.jwksRequests()).isEqualTo(2);
  }

  @Test
  void keysAreFoundByDiscovery() {
    JwksTokenVerifier discovering =
        new JwksTokenVerifier(OidcSettings.of(idp.issuer(), TestIdentityProvider.AUDIENCE), clock);

    assertThat(discovering.verify(idp.rs256(alice().build())).principal().sub())
        .isEqualTo("alice@acme.example");
    assertThat(discovering.verify(idp.es256(alice().build())).principal().sub())
        .isEqualTo("alice@acme.example");
    assertThat(idp.discoveryRequests()).isEqualTo(1);
    assertThat(idp.jwksRequests()).isEqualTo(1);
  }

  @Test
  void aDiscoveryDocumentOfAnotherIssuerIsNotTrusted() {
    idp.advertiseIssuer("https://evil.example/");
    JwksTokenVerifier discovering =
        new JwksTokenVerifier(OidcSettings.of(idp.issuer(), TestIdentityProvider.AUDIENCE), clock);

    assertRefused(
        idp.rs256(alice().build()),
        discovering,
        AuthError.IDENTITY_PROVIDER_UNAVAILABLE,
        "The identity provider's keys cannot be fetched now");
    assertThat(idp.jwksRequests()).isZero();
  }

  @Test
  void anUnreachableIdentityProviderIsUnavailableNotTheCallersFault() {
    String token = idp.rs256(alice().build());
    idp.close();

    assertRefused(
        token,
        AuthError.IDENTITY_PROVIDER_UNAVAILABLE,
        "The identity provider's keys cannot be fetched now");
    assertThat(AuthError.IDENTITY_PROVIDER_UNAVAILABLE.httpStatus()).isEqualTo(503);
  }

  @Test
  void rolesAndTenantFromConfiguredClaimsOfKeycloakAndAuth0() {
    JwksTokenVerifier keycloak =
        new JwksTokenVerifier(
            idp.settings().withClaims("organization", "realm_access.roles"), clock);
    String keycloakToken =
        idp.rs256(
            alice()
                .claim("org", null)
                .claim("roles", null)
                .claim("organization", List.of("acme"))
                .claim(
                    "realm_access",
                    Map.of("roles", List.of("default-roles-acme", "offline_access", "admin")))
                .build());

    JwksTokenVerifier auth0 =
        new JwksTokenVerifier(
            idp.settings().withClaims("org_id", "https://keyledger.example/roles"), clock);
    String auth0Token =
        idp.rs256(
            alice()
                .claim("org", null)
                .claim("roles", null)
                .claim("org_id", "org_acme")
                .claim("https://keyledger.example/roles", List.of("auditor"))
                .build());

    assertThat(keycloak.verify(keycloakToken).principal())
        .isEqualTo(new Principal("alice@acme.example", "acme", Set.of(Role.ADMIN)));
    assertThat(auth0.verify(auth0Token).principal())
        .isEqualTo(new Principal("alice@acme.example", "org_acme", Set.of(Role.AUDITOR)));
  }

  @Test
  void rolesMayBeOneSpaceSeparatedString() {
    String token = idp.rs256(alice().claim("roles", "agent  platform").build());

    assertThat(verifier.verify(token).principal().roles())
        .containsExactlyInAnyOrder(Role.AGENT, Role.PLATFORM);
  }

  @Test
  void aTokenWithoutAKeyLedgerRoleIsRefused() {
    assertRefused(
        idp.rs256(alice().claim("roles", List.of("offline_access")).build()),
        AuthError.INVALID_TOKEN,
        "The token grants no KeyLedger role in its roles claim");
    assertRefused(
        idp.rs256(alice().claim("roles", null).build()),
        AuthError.INVALID_TOKEN,
        "The token grants no KeyLedger role in its roles claim");
    assertRefused(
        idp.rs256(alice().claim("roles", Map.of("owner", true)).build()),
        AuthError.INVALID_TOKEN,
        "The token's roles claim is not a list of role names");
  }

  @Test
  void theTenantMustBeATenantId() {
    assertRefused(
        idp.rs256(alice().claim("org", "../other").build()),
        AuthError.INVALID_TOKEN,
        "The token's org claim is not a tenant id");
    assertRefused(
        idp.rs256(alice().claim("org", List.of("acme", "globex")).build()),
        AuthError.INVALID_TOKEN,
        "The token's org claim is not a tenant id");
    assertRefused(
        idp.rs256(alice().claim("org", null).build()),
        AuthError.INVALID_TOKEN,
        "Token has no org claim (the tenant)");
  }

  @Test
  void timesAndSubjectAreChecked() {
    Instant later = T0.plus(Duration.ofMinutes(5));
    assertRefused(
        idp.rs256(alice().issueTime(Date.from(later)).build()),
        AuthError.INVALID_TOKEN,
        "Token issued in the future");
    assertRefused(
        idp.rs256(alice().notBeforeTime(Date.from(later)).build()),
        AuthError.INVALID_TOKEN,
        "Token not valid yet");
    assertRefused(
        idp.rs256(alice().claim("auth_time", later.getEpochSecond()).build()),
        AuthError.INVALID_TOKEN,
        "Token auth_time is in the future");
    assertRefused(
        idp.rs256(alice().expirationTime(null).build()),
        AuthError.INVALID_TOKEN,
        "Token has no exp claim");
    assertRefused(
        idp.rs256(alice().issueTime(null).build()),
        AuthError.INVALID_TOKEN,
        "Token has no iat claim");
    assertRefused(
        idp.rs256(alice().subject(" ").build()), AuthError.INVALID_TOKEN, "Token has no sub claim");
  }

  @Test
  void aTamperedTokenIsRefused() throws Exception {
    SignedJWT original = SignedJWT.parse(idp.rs256(alice().build()));
    String escalated =
        original.getHeader().toBase64URL()
            + "."
            + Base64URL.encode(
                alice().claim("org", "victim").build().toString().getBytes(StandardCharsets.UTF_8))
            + "."
            + original.getSignature();

    assertRefused(escalated, AuthError.INVALID_TOKEN, "Token signature is not valid");
  }

  @Test
  void garbageIsRefusedWithStableCodes() {
    assertRefused(null, AuthError.MISSING_TOKEN, "No bearer token");
    assertRefused(" ", AuthError.MISSING_TOKEN, "No bearer token");
    assertRefused("x".repeat(10_000), AuthError.INVALID_TOKEN, "Token too long");
    for (String hostile :
        List.of("not-a-jwt", "a.b.c", "..", "e30.e30.e30", "\u0000.\u0000.\u0000")) {
      assertRefused(hostile, AuthError.INVALID_TOKEN, "Malformed token");
    }
    String crit = "eyJhbGciOiJSUzI1NiIsImNyaXQiOlsieCJdLCJ4IjoxfQ.e30.AAAA";
    assertRefused(
        crit,
        AuthError.INVALID_TOKEN,
        "Token has critical header parameters KeyLedger does not process");
  }

  @Test
  void refusalsNeverEchoTheTokenOrItsClaims() {
    String foreign =
        TestIdentityProvider.rs256(TestIdentityProvider.rsaKey("rsa-x"), alice().build());

    assertThatThrownBy(() -> verifier.verify(foreign))
        .isInstanceOfSatisfying(
            AuthException.class,
            e ->
                assertThat(e.getMessage() + e.hint())
                    .doesNotContain(foreign.split("\\.")[2])
                    .doesNotContain("alice")
                    .doesNotContain("rsa-x"));
  }

  private void assertRefused(String token, AuthError error, String message) {
    assertRefused(token, verifier, error, message);
  }

  private static void assertRefused(
      String token, TokenVerifier verifier, AuthError error, String message) {
    ThrowingCallable call = () -> verifier.verify(token);
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            AuthException.class,
            e -> {
              assertThat(e.error()).isEqualTo(error);
              assertThat(e.getMessage()).isEqualTo(message);
            });
  }
}
