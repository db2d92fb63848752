package dev.keyledger.edge.config;

import dev.keyledger.edge.ratelimit.RateLimitConfig;

/**
 * The text form of a rate limit, {@code <n>/<period>}: {@code 5/1h} is 5 requests per hour per
 * caller.
 */
public final class RateLimitSpec {

  private RateLimitSpec() {}

  /**
   * @throws IllegalArgumentException with a message fit for a {@link ConfigException}
   */
  public static RateLimitConfig.Limit parse(String text) {
    String[] parts = text.strip().split("/", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          "a rate limit looks like 5/1h or 100/1m (requests/period)");
    }
    long capacity;
    try {
      capacity = Long.parseLong(parts[0].strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "the request count before '/' must be a whole number, as in 5/1h");
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("the request count must be at least 1");
    }
    return new RateLimitConfig.Limit(capacity, Durations.parse(parts[1]));
  }

  public static String format(RateLimitConfig.Limit limit) {
    return limit.capacity() + "/" + Durations.format(limit.period());
  }
}
