package dev.keyledger.edge.ratelimit;

/**
 * The outcome of one {@link RateLimiter#tryConsume(String, String)}.
 *
 * @param allowed whether the request may proceed
 * @param retryAfterSeconds when refused, seconds until a retry can succeed, rounded up and at least
 *     1 (the {@code Retry-After} header value); 0 when allowed
 */
public record RateLimitResult(boolean allowed, long retryAfterSeconds) {

  static final RateLimitResult ALLOWED = new RateLimitResult(true, 0);

  public RateLimitResult {
    if (allowed ? retryAfterSeconds != 0 : retryAfterSeconds < 1) {
      throw new IllegalArgumentException(
          "retryAfterSeconds must be 0 when allowed and >= 1 when refused");
    }
  }

  static RateLimitResult refused(long nanosToWait) {
    long seconds = nanosToWait <= 0 ? 1 : (nanosToWait - 1) / 1_000_000_000L + 1;
    return new RateLimitResult(false, seconds);
  }
}
