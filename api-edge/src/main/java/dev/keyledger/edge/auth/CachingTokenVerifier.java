package dev.keyledger.edge.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Remembers the tokens another {@link TokenVerifier} accepted, so a caller that sends the same
 * token on every request has it parsed and its signature checked once, not per request. Same
 * contract as the verifier it wraps: a remembered token is answered only until its {@code exp}
 * (with the same clock skew), after which it goes back to the wrapped verifier, which refuses it.
 * Only accepted tokens are remembered (garbage cannot fill the cache), by the SHA-256 of the token,
 * never the token itself. Bounded; thread-safe.
 */
public final class CachingTokenVerifier implements TokenVerifier {

  /** Tokens remembered at most; about 100 bytes each. */
  public static final long DEFAULT_MAX_TOKENS = 100_000;

  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(CachingTokenVerifier::sha256);

  private final TokenVerifier verifier;
  private final Clock clock;
  private final Duration clockSkew;
  private final Cache<ByteBuffer, VerifiedToken> accepted;

  /**
   * @param verifier the verifier whose answers are remembered
   * @param clockSkew the skew {@code verifier} tolerates on {@code exp}
   */
  public CachingTokenVerifier(
      TokenVerifier verifier, Clock clock, Duration clockSkew, long maxTokens) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
    this.accepted = Caffeine.newBuilder().maximumSize(maxTokens).build();
  }

  @Override
  public VerifiedToken verify(String token) {
    if (token == null || token.length() > HmacTokenVerifier.MAX_TOKEN_CHARS) {
      return verifier.verify(token);
    }
    ByteBuffer key = digest(token);
    VerifiedToken known = accepted.getIfPresent(key);
    if (known != null) {
      if (clock.instant().minus(clockSkew).isBefore(known.expiresAt())) {
        return known;
      }
      accepted.invalidate(key);
    }
    VerifiedToken verified = verifier.verify(token);
    accepted.put(key, verified);
    return verified;
  }

  private static ByteBuffer digest(String token) {
    MessageDigest sha256 = SHA_256.get();
    sha256.reset();
    return ByteBuffer.wrap(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }
}
