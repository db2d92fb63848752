package dev.keyledger.edge.ratelimit;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Named rate limits, each {@code capacity} requests per {@code period} per {@code sub}. A limit
 * name that is not in {@link #limits()} is unlimited.
 *
 * @param limits limit name to limit, immutable
 * @param maxTrackedKeys how many (limit, sub) buckets are kept at most; the least recently used is
 *     dropped beyond that, which forgets that sub's consumption for that limit
 */
public record RateLimitConfig(Map<String, Limit> limits, int maxTrackedKeys) {

  /** {@code POST /keys}. */
  public static final String KEYS_CREATE = "keys.create";

  /** {@code GET /keys}. */
  public static final String KEYS_READ = "keys.read";

  /** {@code DELETE /keys}. */
  public static final String KEYS_DELETE = "keys.delete";

  /** {@code POST /keys/rotate}. */
  public static final String KEYS_ROTATE = "keys.rotate";

  /** Health endpoints. */
  public static final String HEALTH = "health";

  /** Audit endpoints. */
  public static final String AUDIT = "audit";

  /** {@code POST /data-keys}: each lease is a command, so a runaway client is held back. */
  public static final String DATA_KEYS = "data.keys";

  /** Default bound on tracked buckets: about 100 k entries, a few tens of MiB at most. */
  public static final int DEFAULT_MAX_TRACKED_KEYS = 100_000;

  public RateLimitConfig {
    limits = Map.copyOf(Objects.requireNonNull(limits, "limits"));
    if (maxTrackedKeys < 1) {
      throw new IllegalArgumentException("maxTrackedKeys must be positive");
    }
  }

  /**
   * SPEC §3: POST keys 5/h, GET keys 100/min, DELETE keys 1/h, rotate 10/h, health 60/min, audit
   * 60/min; leased data keys 120/min (a lease lasts minutes).
   */
  public static RateLimitConfig defaults() {
    return new RateLimitConfig(
        Map.of(
            KEYS_CREATE, Limit.perHour(5),
            KEYS_READ, Limit.perMinute(100),
            KEYS_DELETE, Limit.perHour(1),
            KEYS_ROTATE, Limit.perHour(10),
            HEALTH, Limit.perMinute(60),
            AUDIT, Limit.perMinute(60),
            DATA_KEYS, Limit.perMinute(120)),
        DEFAULT_MAX_TRACKED_KEYS);
  }

  /** A copy with {@code overrides} replacing or adding limits by name. */
  public RateLimitConfig withLimits(Map<String, Limit> overrides) {
    Map<String, Limit> merged = new HashMap<>(limits);
    merged.putAll(overrides);
    return new RateLimitConfig(merged, maxTrackedKeys);
  }

  /**
   * {@code capacity} requests per {@code period}. Tokens refill smoothly (one every {@code period /
   * capacity}), so a burst of {@code capacity} is allowed and then one request per refill interval.
   */
  public record Limit(long capacity, Duration period) {

    public Limit {
      Objects.requireNonNull(period, "period");
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be positive");
      }
      if (period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException("period must be positive");
      }
    }

    public static Limit perMinute(long capacity) {
      return new Limit(capacity, Duration.ofMinutes(1));
    }

    public static Limit perHour(long capacity) {
      return new Limit(capacity, Duration.ofHours(1));
    }
  }
}
