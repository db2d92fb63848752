package dev.keyledger.edge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.keyledger.engine.domain.TenantIds;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TokenVerifier} for the tokens of an OpenID Connect identity provider, checked against its
 * published JWK set ({@link OidcSettings}). In this order, each refusal with its own message:
 *
 * <ol>
 *   <li>unsigned ({@code alg: none}), encrypted, or malformed tokens, and tokens longer than
 *       {@value HmacTokenVerifier#MAX_TOKEN_CHARS} characters (unparsed);
 *   <li>an HMAC algorithm ({@code HS256}...): never checked against a public key; any other
 *       algorithm outside {@link OidcSettings#algorithms()}; {@code crit} header parameters;
 *   <li>an {@code iss} other than {@link OidcSettings#issuer()}, before any key is looked up;
 *   <li>a {@code kid} the identity provider's key set does not hold, also after a (rate-limited)
 *       refresh; then the signature;
 *   <li>an {@code aud} without {@link OidcSettings#audience()}; {@code exp} passed ({@link
 *       AuthError#TOKEN_EXPIRED}); {@code nbf}, {@code iat} or {@code auth_time} in the future;
 *       missing {@code exp}, {@code iat} or {@code sub};
 *   <li>the tenant claim: missing, not a string (or a one-string array), or not a tenant id;
 *   <li>the roles claim: not an array of strings (or a space-separated string), or without any
 *       KeyLedger role. Other names are ignored: identity providers add their own ({@code
 *       offline_access}, {@code default-roles-<realm>}).
 * </ol>
 *
 * <p>The result carries {@code auth_time} and {@code acr} for {@link StepUpVerifier}; {@code
 * stepUp} is always false (an identity provider's token proves a recent sign-in by its claims, not
 * by KeyLedger's {@code step_up} flag). When the key set cannot be fetched the answer is {@link
 * AuthError#IDENTITY_PROVIDER_UNAVAILABLE}. Messages and logs never contain the token nor a claim
 * value other than a role name. Thread-safe.
 */
public final class JwksTokenVerifier implements TokenVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(JwksTokenVerifier.class);

  /** X.509 SubjectPublicKeyInfo prefixes of raw EdDSA public keys (RFC 8410). */
  private static final byte[] ED25519_SPKI_PREFIX =
      HexFormat.of().parseHex("302a300506032b6570032100");

  private static final byte[] ED448_SPKI_PREFIX =
      HexFormat.of().parseHex("3043300506032b6571033a00");

  private final OidcSettings settings;
  private final IdentityProviderKeys keys;
  private final Clock clock;
  private final String newTokenHint;

  /**
   * @param settings the identity provider
   * @param clock the time of token checks and of the key cache
   */
  public JwksTokenVerifier(OidcSettings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.keys = new IdentityProviderKeys(settings, clock);
    this.newTokenHint =
        "Get a token for audience "
            + settings.audience()
            + " from the identity provider "
            + settings.issuer();
  }

  @Override
  public VerifiedToken verify(String token) {
    if (token == null || token.isBlank()) {
      throw new AuthException(
          AuthError.MISSING_TOKEN,
          "No bearer token",
          "Send Authorization: Bearer <token>. " + newTokenHint);
    }
    if (token.length() > HmacTokenVerifier.MAX_TOKEN_CHARS) {
      throw invalid("Token too long");
    }
    SignedJWT jwt = signed(token);
    JWSHeader header = jwt.getHeader();
    checkAlgorithm(header);
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw invalid("Malformed token claims");
    }
    if (!settings.issuer().equals(claims.getIssuer())) {
      throw new AuthException(
          AuthError.INVALID_TOKEN,
          "Token issuer is not accepted",
          "Use a token issued by " + settings.issuer());
    }
    checkSignature(jwt);
    try {
      return checkClaims(claims);
    } catch (ParseException e) {
      throw invalid("Malformed token claims");
    }
  }

  private SignedJWT signed(String token) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException | IllegalArgumentException e) {
      throw invalid("Malformed token");
    }
    if (jwt instanceof PlainJWT) {
      throw invalid("Unsigned token (alg: none) is not accepted");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw invalid("Encrypted token is not accepted: send the signed token");
    }
    return signed;
  }

  private void checkAlgorithm(JWSHeader header) {
    JWSAlgorithm alg = header.getAlgorithm();
    if (JWSAlgorithm.Family.HMAC_SHA.contains(alg)) {
      throw invalid(
          "HMAC-signed token ("
              + alg
              + ") is not accepted: the identity provider's keys are public keys, never HMAC"
              + " secrets");
    }
    if (!settings.algorithms().contains(alg.getName())) {
      throw invalid(
          "Token algorithm is not accepted (auth.algorithms: "
              + String.join(", ", settings.algorithms().stream().sorted().toList())
              + ")");
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      throw invalid("Token has critical header parameters KeyLedger does not process");
    }
  }

  private void checkSignature(SignedJWT jwt) {
    List<JWK> candidates;
    try {
      candidates = keys.candidates(jwt.getHeader());
    } catch (KeySourceException e) {
      if (e instanceof RateLimitReachedException) {
        LOG.debug("identity provider keys not fetched: rate limit reached");
      } else {
        LOG.warn("identity provider keys unavailable: {}", e.getMessage());
      }
      throw new AuthException(
          AuthError.IDENTITY_PROVIDER_UNAVAILABLE,
          "The identity provider's keys cannot be fetched now",
          "Retry shortly; if it lasts, an operator checks auth.jwks.url or auth.issuer");
    }
    if (candidates.isEmpty()) {
      throw invalid(
          jwt.getHeader().getKeyID() == null
              ? "No key of the identity provider fits the token's algorithm"
              : "Token key id (kid) is not in the identity provider's key set");
    }
    for (JWK key : candidates) {
      if (verifies(jwt, key)) {
        return;
      }
    }
    throw invalid("Token signature is not valid");
  }

  private static boolean verifies(SignedJWT jwt, JWK key) {
    try {
      if (key instanceof RSAKey rsa) {
        return jwt.verify(new RSASSAVerifier(rsa));
      }
      if (key instanceof ECKey ec) {
        return jwt.verify(new ECDSAVerifier(ec));
      }
      if (key instanceof OctetKeyPair okp) {
        return verifiesEdDsa(jwt, okp);
      }
      return false;
    } catch (JOSEException | GeneralSecurityException | IllegalStateException e) {
      return false;
    }
  }

  /**
   * EdDSA with the JDK's own Ed25519/Ed448 (nimbus' verifier needs Tink, which KeyLedger does not
   * ship).
   */
  private static boolean verifiesEdDsa(SignedJWT jwt, OctetKeyPair okp)
      throws GeneralSecurityException {
    byte[] prefix;
    int length;
    if (Curve.Ed25519.equals(okp.getCurve())) {
      prefix = ED25519_SPKI_PREFIX;
      length = 32;
    } else if (Curve.Ed448.equals(okp.getCurve())) {
      prefix = ED448_SPKI_PREFIX;
      length = 57;
    } else {
      return false;
    }
    byte[] x = okp.getDecodedX();
    if (x.length != length) {
      return false;
    }
    byte[] encoded = new byte[prefix.length + length];
    System.arraycopy(prefix, 0, encoded, 0, prefix.length);
    System.arraycopy(x, 0, encoded, prefix.length, length);
    String curve = okp.getCurve().getName();
    PublicKey publicKey =
        KeyFactory.getInstance(curve).generatePublic(new X509EncodedKeySpec(encoded));
    Signature signature = Signature.getInstance(curve);
    signature.initVerify(publicKey);
    signature.update(jwt.getSigningInput());
    return signature.verify(jwt.getSignature().decode());
  }

  private VerifiedToken checkClaims(JWTClaimsSet claims) throws ParseException {
    List<String> audience = claims.getAudience();
    if (audience == null || !audience.contains(settings.audience())) {
      throw new AuthException(
          AuthError.INVALID_TOKEN, "Token audience is not accepted", newTokenHint);
    }
    Instant now = clock.instant();
    Instant expiresAt = required(claims.getExpirationTime(), "exp");
    Instant issuedAt = required(claims.getIssueTime(), "iat");
    if (!now.minus(settings.clockSkew()).isBefore(expiresAt)) {
      throw new AuthException(AuthError.TOKEN_EXPIRED, "Token expired", newTokenHint);
    }
    if (issuedAt.isAfter(now.plus(settings.clockSkew()))) {
      throw invalid("Token issued in the future");
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && notBefore.toInstant().isAfter(now.plus(settings.clockSkew()))) {
      throw invalid("Token not valid yet");
    }
    Date authTime = claims.getDateClaim("auth_time");
    if (authTime != null && authTime.toInstant().isAfter(now.plus(settings.clockSkew()))) {
      throw invalid("Token auth_time is in the future");
    }
    String sub = claims.getSubject();
    if (sub == null || sub.isBlank()) {
      throw invalid("Token has no sub claim");
    }
    Map<String, Object> all = claims.getClaims();
    return new VerifiedToken(
        new Principal(sub, tenant(all), roles(all)),
        issuedAt,
        expiresAt,
        false,
        claims.getJWTID(),
        authTime == null ? null : authTime.toInstant(),
        claims.getStringClaim("acr"));
  }

  private String tenant(Map<String, Object> claims) {
    String name = settings.tenantClaim();
    Object value = claimAt(claims, name);
    if (value instanceof List<?> list && list.size() == 1) {
      value = list.get(0);
    }
    if (value == null) {
      throw invalid("Token has no " + name + " claim (the tenant)");
    }
    if (!(value instanceof String tenant) || !TenantIds.isValid(tenant)) {
      throw new AuthException(
          AuthError.INVALID_TOKEN,
          "The token's " + name + " claim is not a tenant id",
          "A tenant id is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return tenant;
  }

  private Set<Role> roles(Map<String, Object> claims) {
    String name = settings.rolesClaim();
    Object value = claimAt(claims, name);
    List<?> names;
    if (value instanceof String text) {
      names = List.of(text.strip().split("\\s+"));
    } else if (value instanceof List<?> list) {
      names = list;
    } else if (value == null) {
      names = List.of();
    } else {
      throw invalid("The token's " + name + " claim is not a list of role names");
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (Object role : names) {
      if (!(role instanceof String wireName)) {
        throw invalid("The token's " + name + " claim is not a list of role names");
      }
      Role.fromWireName(wireName).ifPresent(roles::add);
    }
    if (roles.isEmpty()) {
      throw new AuthException(
          AuthError.INVALID_TOKEN,
          "The token grants no KeyLedger role in its " + name + " claim",
          "The identity provider must grant one of: " + Role.wireNames());
    }
    return roles;
  }

  /**
   * The claim named {@code path}, or else the value at the dotted {@code path} through nested
   * objects ({@code realm_access.roles}); {@code null} when there is neither. The exact name is
   * tried first so that URL-like claim names ({@code https://example.com/roles}) work.
   */
  private static Object claimAt(Map<String, Object> claims, String path) {
    if (claims.containsKey(path)) {
      return claims.get(path);
    }
    Object node = claims;
    for (String part : path.split("\\.", -1)) {
      if (!(node instanceof Map<?, ?> object)) {
        return null;
      }
      node = object.get(part);
    }
    return node;
  }

  private Instant required(Date value, String claim) {
    if (value == null) {
      throw invalid("Token has no " + claim + " claim");
    }
    return value.toInstant();
  }

  private AuthException invalid(String message) {
    return new AuthException(AuthError.INVALID_TOKEN, message, newTokenHint);
  }
}
