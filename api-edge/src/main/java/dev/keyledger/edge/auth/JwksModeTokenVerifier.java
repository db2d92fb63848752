package dev.keyledger.edge.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Objects;

/**
 * The {@link TokenVerifier} of {@code auth.mode=jwks}: every caller authenticates with a token of
 * the identity provider ({@link JwksTokenVerifier}), except agents holding a session that KeyLedger
 * itself issued ({@code POST /agent/v1/session}). Those session tokens are HS256 with {@code iss}
 * {@code keyledger-dev} and the instance's data-dir secret; in this mode such a token is accepted
 * only when it grants exactly the {@code agent} role and is not a step-up token, so the data-dir
 * secret can never stand in for the identity provider for owners, admins or step-up. Every other
 * token, HS256 ones of any other issuer included, goes to the identity provider's verifier, which
 * refuses HMAC algorithms outright.
 */
public final class JwksModeTokenVerifier implements TokenVerifier {

  private static final String SESSION_HINT =
      "Open a new agent session (POST /agent/v1/session) with a token of the identity provider";

  private final TokenVerifier identityProvider;
  private final TokenVerifier sessions;

  /**
   * @param settings the identity provider
   * @param sessionKeys the secret agent session tokens are signed with
   * @param clock the time of every check
   */
  public JwksModeTokenVerifier(OidcSettings settings, JwtKeys sessionKeys, Clock clock) {
    this.identityProvider = new JwksTokenVerifier(settings, clock);
    this.sessions =
        new HmacTokenVerifier(sessionKeys, TokenClaims.DEV_ISSUER, settings.clockSkew(), clock);
  }

  @Override
  public VerifiedToken verify(String token) {
    if (!isSessionToken(token)) {
      return identityProvider.verify(token);
    }
    VerifiedToken session;
    try {
      session = sessions.verify(token);
    } catch (AuthException e) {
      throw new AuthException(e.error(), e.getMessage(), SESSION_HINT);
    }
    if (session.stepUp() || !session.principal().roles().equals(EnumSet.of(Role.AGENT))) {
      throw new AuthException(
          AuthError.INVALID_TOKEN,
          "With auth.mode=jwks an HS256 token can only be an agent session token",
          "Use a token of the identity provider; agents may use their session token");
    }
    return session;
  }

  /** An HS256 token claiming KeyLedger as its issuer; nothing is verified here. */
  private static boolean isSessionToken(String token) {
    if (token == null || token.length() > HmacTokenVerifier.MAX_TOKEN_CHARS) {
      return false;
    }
    try {
      JWT jwt = JWTParser.parse(token);
      return jwt instanceof SignedJWT signed
          && JWSAlgorithm.HS256.equals(signed.getHeader().getAlgorithm())
          && Objects.equals(TokenClaims.DEV_ISSUER, signed.getJWTClaimsSet().getIssuer());
    } catch (ParseException | IllegalArgumentException e) {
      return false;
    }
  }
}
