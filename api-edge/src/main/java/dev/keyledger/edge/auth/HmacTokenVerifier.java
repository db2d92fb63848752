package dev.keyledger.edge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@link TokenVerifier} for HS256 tokens signed with a {@link JwtKeys} secret. Only {@code HS256}
 * is accepted: {@code none}, other HMAC sizes and asymmetric algorithms are refused before any
 * signature check. The signature comparison is constant-time (nimbus {@code MACVerifier}). Tokens
 * longer than {@value #MAX_TOKEN_CHARS} characters are refused unparsed.
 */
public final class HmacTokenVerifier implements TokenVerifier {

  /** Tolerated difference between the issuer's clock and ours. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

  static final int MAX_TOKEN_CHARS = 8192;

  private static final String REMINT_HINT =
      "Mint a token for this instance (keyledger token --data-dir <the instance's data dir> ...)";

  private final JWSVerifier verifier;
  private final String expectedIssuer;
  private final Duration clockSkew;
  private final Clock clock;

  /**
   * @param keys the HS256 secret
   * @param expectedIssuer the only accepted {@code iss}
   * @param clockSkew tolerance for {@code exp}, {@code iat} and {@code nbf}
   * @param clock the time source
   */
  public HmacTokenVerifier(JwtKeys keys, String expectedIssuer, Duration clockSkew, Clock clock) {
    this.verifier = keys.verifier();
    this.expectedIssuer = Objects.requireNonNull(expectedIssuer, "expectedIssuer");
    this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The verifier for tokens minted by dev mode and {@code keyledger token} (issuer {@code
   * keyledger-dev}).
   */
  public static HmacTokenVerifier forDev(JwtKeys keys, Clock clock) {
    return new HmacTokenVerifier(keys, TokenClaims.DEV_ISSUER, DEFAULT_CLOCK_SKEW, clock);
  }

  @Override
  public VerifiedToken verify(String token) {
    if (token == null || token.isBlank()) {
      throw new AuthException(
          AuthError.MISSING_TOKEN,
          "No bearer token",
          "Send Authorization: Bearer <token>. " + REMINT_HINT);
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw invalid("Token too long");
    }
    SignedJWT jwt = parse(token);
    if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
      throw invalid("Token algorithm must be HS256");
    }
    checkSignature(jwt);
    try {
      return checkClaims(jwt.getJWTClaimsSet());
    } catch (ParseException e) {
      throw invalid("Malformed token claims");
    }
  }

  private static SignedJWT parse(String token) {
    try {
      return SignedJWT.parse(token);
    } catch (ParseException | IllegalArgumentException e) {
      // alg "none" lands here too: nimbus does not parse an unsecured header as a JWS header
      throw invalid("Malformed token");
    }
  }

  private void checkSignature(SignedJWT jwt) {
    boolean valid;
    try {
      valid = jwt.verify(verifier);
    } catch (JOSEException e) {
      valid = false;
    }
    if (!valid) {
      throw invalid("Token signature is not valid");
    }
  }

  private VerifiedToken checkClaims(JWTClaimsSet claims) throws ParseException {
    if (!expectedIssuer.equals(claims.getIssuer())) {
      throw invalid("Token issuer is not accepted");
    }
    Instant now = clock.instant();
    Instant issuedAt = required(claims.getIssueTime(), "iat");
    Instant expiresAt = required(claims.getExpirationTime(), "exp");
    if (!expiresAt.isAfter(issuedAt)) {
      throw invalid("Token exp is not after iat");
    }
    if (!now.minus(clockSkew).isBefore(expiresAt)) {
      throw new AuthException(AuthError.TOKEN_EXPIRED, "Token expired", REMINT_HINT);
    }
    if (issuedAt.isAfter(now.plus(clockSkew))) {
      throw invalid("Token issued in the future");
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && notBefore.toInstant().isAfter(now.plus(clockSkew))) {
      throw invalid("Token not valid yet");
    }
    String sub = requiredText(claims.getSubject(), "sub");
    String org = requiredText(claims.getStringClaim(TokenClaims.ORG), "org");
    Boolean stepUp = claims.getBooleanClaim(TokenClaims.STEP_UP);
    return new VerifiedToken(
        new Principal(sub, org, roles(claims.getStringListClaim(TokenClaims.ROLES))),
        issuedAt,
        expiresAt,
        Boolean.TRUE.equals(stepUp),
        claims.getJWTID(),
        null,
        null);
  }

  private static Set<Role> roles(List<String> wireNames) {
    if (wireNames == null || wireNames.isEmpty()) {
      throw invalid("Token has no roles");
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String wireName : wireNames) {
      roles.add(
          Role.fromWireName(wireName)
              .orElseThrow(
                  () ->
                      new AuthException(
                          AuthError.INVALID_TOKEN,
                          "Token has an unknown role",
                          "Known roles: " + Role.wireNames())));
    }
    return roles;
  }

  private static Instant required(Date value, String claim) {
    if (value == null) {
      throw invalid("Token has no " + claim + " claim");
    }
    return value.toInstant();
  }

  private static String requiredText(String value, String claim) {
    if (value == null || value.isBlank()) {
      throw invalid("Token has no " + claim + " claim");
    }
    return value;
  }

  private static AuthException invalid(String message) {
    return new AuthException(AuthError.INVALID_TOKEN, message, REMINT_HINT);
  }
}
