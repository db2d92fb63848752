package dev.keyledger.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.edge.ratelimit.RateLimitConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void parsesUnitsAndIso() {
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse(" 5M ")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("12h")).isEqualTo(Duration.ofHours(12));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void refusesGarbageUnknownUnitsAndLessThanASecond() {
    assertThatThrownBy(() -> Durations.parse("abc"))
        .hasMessage("not a duration; write 30s, 5m, 12h or 7d");
    assertThatThrownBy(() -> Durations.parse(""))
        .hasMessage("not a duration; write 30s, 5m, 12h or 7d");
    assertThatThrownBy(() -> Durations.parse("5w"))
        .hasMessageStartingWith("the unit must be s, m, h or d");
    assertThatThrownBy(() -> Durations.parse("0s")).hasMessage("a duration must be at least 1s");
    assertThatThrownBy(() -> Durations.parse("PT0.5S"))
        .hasMessage("a duration must be at least 1s");
  }

  @Test
  void formatIsTheShortestTextParseReadsBack() {
    assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofDays(2))).isEqualTo("2d");
    assertThat(Durations.parse(Durations.format(Duration.ofMinutes(15))))
        .isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void rateLimitIsCountSlashPeriod() {
    assertThat(RateLimitSpec.parse("5/1h"))
        .isEqualTo(new RateLimitConfig.Limit(5, Duration.ofHours(1)));
    assertThat(RateLimitSpec.parse(" 100 / 1m ")).isEqualTo(RateLimitConfig.Limit.perMinute(100));
    assertThat(RateLimitSpec.format(RateLimitConfig.Limit.perMinute(60))).isEqualTo("60/1m");
  }

  @Test
  void rateLimitRefusesBadShapes() {
    assertThatThrownBy(() -> RateLimitSpec.parse("5"))
        .hasMessage("a rate limit looks like 5/1h or 100/1m (requests/period)");
    assertThatThrownBy(() -> RateLimitSpec.parse("five/1h")).hasMessageContaining("whole number");
    assertThatThrownBy(() -> RateLimitSpec.parse("0/1h"))
        .hasMessage("the request count must be at least 1");
    assertThatThrownBy(() -> RateLimitSpec.parse("5/1x"))
        .hasMessageStartingWith("the unit must be");
  }
}
