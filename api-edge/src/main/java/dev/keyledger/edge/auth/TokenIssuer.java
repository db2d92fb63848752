package dev.keyledger.edge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Objects;
import java.util.UUID;

/**
 * Mints HS256 tokens for dev mode and {@code keyledger token}.
 *
 * <p>Access token claims: {@code sub}, {@code org}, {@code roles} (array of wire names, sorted),
 * {@code iat}, {@code exp} ({@link #DEFAULT_ACCESS_TTL} unless given), {@code iss} = {@code
 * keyledger-dev}, {@code jti} (random UUID). A step-up token has the same claims plus {@code
 * step_up: true} and {@code exp} = {@code iat} + {@link #STEP_UP_TTL}. Times are whole seconds, as
 * JWT requires.
 */
public final class TokenIssuer {

  /** Lifetime of an access token when none is given. */
  public static final Duration DEFAULT_ACCESS_TTL = Duration.ofHours(12);

  /** Lifetime of a step-up token (SPEC §3: issued within 5 minutes). */
  public static final Duration STEP_UP_TTL = Duration.ofMinutes(5);

  private final JWSSigner signer;
  private final Clock clock;

  public TokenIssuer(JwtKeys keys, Clock clock) {
    this.signer = keys.signer();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** An access token valid for {@link #DEFAULT_ACCESS_TTL}. */
  public String issueAccess(Principal principal) {
    return issueAccess(principal, DEFAULT_ACCESS_TTL);
  }

  /**
   * An access token valid for {@code ttl}.
   *
   * @throws IllegalArgumentException if {@code ttl} is shorter than one second
   */
  public String issueAccess(Principal principal, Duration ttl) {
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("ttl must be at least one second");
    }
    return sign(claims(principal, ttl).build());
  }

  /** A step-up token for the {@code X-Step-Up} header, valid for {@link #STEP_UP_TTL}. */
  public String issueStepUp(Principal principal) {
    return sign(claims(principal, STEP_UP_TTL).claim(TokenClaims.STEP_UP, true).build());
  }

  private JWTClaimsSet.Builder claims(Principal principal, Duration ttl) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    return new JWTClaimsSet.Builder()
        .issuer(TokenClaims.DEV_ISSUER)
        .subject(principal.sub())
        .claim(TokenClaims.ORG, principal.org())
        .claim(TokenClaims.ROLES, principal.roles().stream().sorted().map(Role::wireName).toList())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl)))
        .jwtID(UUID.randomUUID().toString());
  }

  private String sign(JWTClaimsSet claims) {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("HS256 signing failed", e);
    }
    return jwt.serialize();
  }
}
