package dev.keyledger.edge.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-{@code sub} token buckets (bucket4j), one per named limit of a {@link RateLimitConfig}.
 *
 * <p>Thread-safe. Memory is bounded by {@link RateLimitConfig#maxTrackedKeys()}: buckets live in an
 * access-ordered map and the least recently used one is dropped past the bound. Dropping a bucket
 * only ever gives that sub a fresh allowance, never a refusal it did not earn. Limits are per
 * process: with several instances, each enforces its own budget.
 */
public final class RateLimiter {

  private final RateLimitConfig config;
  private final TimeMeter time;
  private final Map<BucketKey, Bucket> buckets;

  /** A limiter on the system's monotonic clock. */
  public RateLimiter(RateLimitConfig config) {
    this(config, TimeMeter.SYSTEM_NANOTIME);
  }

  /** A limiter on {@code time}; tests pass a controllable one. */
  public RateLimiter(RateLimitConfig config, TimeMeter time) {
    this.config = Objects.requireNonNull(config, "config");
    this.time = Objects.requireNonNull(time, "time");
    int bound = config.maxTrackedKeys();
    this.buckets =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<BucketKey, Bucket> eldest) {
            return size() > bound;
          }
        };
  }

  /**
   * Takes one request from {@code sub}'s budget for {@code limitName}. An unknown name is unlimited
   * and allocates nothing.
   */
  public RateLimitResult tryConsume(String limitName, String sub) {
    Objects.requireNonNull(sub, "sub");
    RateLimitConfig.Limit limit = config.limits().get(limitName);
    if (limit == null) {
      return RateLimitResult.ALLOWED;
    }
    ConsumptionProbe probe =
        bucket(new BucketKey(limitName, sub), limit).tryConsumeAndReturnRemaining(1);
    return probe.isConsumed()
        ? RateLimitResult.ALLOWED
        : RateLimitResult.refused(probe.getNanosToWaitForRefill());
  }

  /** Number of buckets currently held (for metrics and tests). */
  public int trackedBuckets() {
    synchronized (buckets) {
      return buckets.size();
    }
  }

  private Bucket bucket(BucketKey key, RateLimitConfig.Limit limit) {
    synchronized (buckets) {
      return buckets.computeIfAbsent(
          key,
          k ->
              Bucket.builder()
                  .addLimit(
                      bandwidth ->
                          bandwidth
                              .capacity(limit.capacity())
                              .refillGreedy(limit.capacity(), limit.period()))
                  .withCustomTimePrecision(time)
                  .build());
    }
  }

  private record BucketKey(String limitName, String sub) {}
}
