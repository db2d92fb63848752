package dev.keyledger.edge.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.edge.ratelimit.RateLimitConfig.Limit;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final ManualTimeMeter time = new ManualTimeMeter();
  private final RateLimiter limiter = new RateLimiter(RateLimitConfig.defaults(), time);

  @Test
  void createKeysAllowsFivePerHourThenAsksToWaitTwelveMinutes() {
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryConsume(RateLimitConfig.KEYS_CREATE, "alice").allowed()).isTrue();
    }

    RateLimitResult refused = limiter.tryConsume(RateLimitConfig.KEYS_CREATE, "alice");

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterSeconds()).isEqualTo(Duration.ofMinutes(12).toSeconds());
  }

  @Test
  void retryAfterCountsDownAndRoundsUp() {
    exhaust(RateLimitConfig.KEYS_DELETE, "alice", 1);

    time.advance(Duration.ofMinutes(59).plusSeconds(59).plusMillis(1));
    assertThat(limiter.tryConsume(RateLimitConfig.KEYS_DELETE, "alice"))
        .isEqualTo(new RateLimitResult(false, 1));

    time.advance(Duration.ofMillis(999));
    assertThat(limiter.tryConsume(RateLimitConfig.KEYS_DELETE, "alice").allowed()).isTrue();
  }

  @Test
  void retryAfterIsHonest() {
    exhaust(RateLimitConfig.KEYS_READ, "alice", 100);
    RateLimitResult refused = limiter.tryConsume(RateLimitConfig.KEYS_READ, "alice");
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);

    time.advance(Duration.ofSeconds(refused.retryAfterSeconds()));

    assertThat(limiter.tryConsume(RateLimitConfig.KEYS_READ, "alice").allowed()).isTrue();
  }

  @Test
  void tokensRefillOverThePeriod() {
    exhaust(RateLimitConfig.HEALTH, "alice", 60);
    assertThat(limiter.tryConsume(RateLimitConfig.HEALTH, "alice").allowed()).isFalse();

    time.advance(Duration.ofMinutes(1));

    exhaust(RateLimitConfig.HEALTH, "alice", 60);
    assertThat(limiter.tryConsume(RateLimitConfig.HEALTH, "alice").allowed()).isFalse();
  }

  @Test
  void subsAndLimitsAreIsolated() {
    exhaust(RateLimitConfig.KEYS_DELETE, "alice", 1);
    assertThat(limiter.tryConsume(RateLimitConfig.KEYS_DELETE, "alice").allowed()).isFalse();

    assertThat(limiter.tryConsume(RateLimitConfig.KEYS_DELETE, "bob").allowed()).isTrue();
    assertThat(limiter.tryConsume(RateLimitConfig.KEYS_ROTATE, "alice").allowed()).isTrue();
  }

  @Test
  void defaultsAreTheSpecOnes() {
    assertThat(RateLimitConfig.defaults().limits())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "keys.create", new Limit(5, Duration.ofHours(1)),
                "keys.read", new Limit(100, Duration.ofMinutes(1)),
                "keys.delete", new Limit(1, Duration.ofHours(1)),
                "keys.rotate", new Limit(10, Duration.ofHours(1)),
                "health", new Limit(60, Duration.ofMinutes(1)),
                "audit", new Limit(60, Duration.ofMinutes(1)),
                "data.keys", new Limit(120, Duration.ofMinutes(1))));
    exhaust(RateLimitConfig.KEYS_ROTATE, "alice", 10);
    exhaust(RateLimitConfig.AUDIT, "alice", 60);
    assertThat(limiter.tryConsume(RateLimitConfig.KEYS_ROTATE, "alice").allowed()).isFalse();
    assertThat(limiter.tryConsume(RateLimitConfig.AUDIT, "alice").allowed()).isFalse();
  }

  @Test
  void configOverridesReplaceDefaults() {
    RateLimitConfig config =
        RateLimitConfig.defaults()
            .withLimits(Map.of(RateLimitConfig.KEYS_CREATE, new Limit(2, Duration.ofSeconds(10))));
    RateLimiter custom = new RateLimiter(config, time);

    assertThat(custom.tryConsume(RateLimitConfig.KEYS_CREATE, "alice").allowed()).isTrue();
    assertThat(custom.tryConsume(RateLimitConfig.KEYS_CREATE, "alice").allowed()).isTrue();
    assertThat(custom.tryConsume(RateLimitConfig.KEYS_CREATE, "alice"))
        .isEqualTo(new RateLimitResult(false, 5));
    assertThat(config.limits().get(RateLimitConfig.KEYS_READ)).isEqualTo(Limit.perMinute(100));
  }

  @Test
  void unknownLimitIsUnlimitedAndTracksNothing() {
    for (int i = 0; i < 1_000; i++) {
      assertThat(limiter.tryConsume("no.such.limit", "alice").allowed()).isTrue();
    }
    assertThat(limiter.trackedBuckets()).isZero();
  }

  @Test
  void trackedBucketsAreBoundedAndTheLeastRecentlyUsedGoesFirst() {
    RateLimiter small =
        new RateLimiter(new RateLimitConfig(Map.of("x", Limit.perHour(1)), 2), time);
    small.tryConsume("x", "alice");
    small.tryConsume("x", "bob");
    assertThat(small.tryConsume("x", "alice").allowed()).isFalse();

    small.tryConsume("x", "carol");

    assertThat(small.trackedBuckets()).isEqualTo(2);
    assertThat(small.tryConsume("x", "alice").allowed()).isFalse();
    assertThat(small.tryConsume("x", "bob").allowed()).as("bob's bucket was evicted").isTrue();
  }

  @Test
  void invalidLimitsAreRefused() {
    assertThatThrownBy(() -> new Limit(0, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Limit(1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimitConfig(Map.of(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private void exhaust(String limitName, String sub, int times) {
    for (int i = 0; i < times; i++) {
      assertThat(limiter.tryConsume(limitName, sub).allowed())
          .as("request %d of %d", i + 1, times)
          .isTrue();
    }
  }
}
