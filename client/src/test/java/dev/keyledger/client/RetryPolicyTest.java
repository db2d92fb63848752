package dev.keyledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The retry decisions and waits, without HTTP. */
class RetryPolicyTest {

  private final RetryPolicy policy =
      new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(10));

  @RepeatedTest(20)
  void backoffDoublesFrom100MsWithJitterInTheUpperHalf() {
    assertThat(policy.delayBefore(1, Optional.empty()))
        .isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
    assertThat(policy.delayBefore(2, Optional.empty()))
        .isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(policy.delayBefore(3, Optional.empty()))
        .isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
  }

  @Test
  void backoffNeverExceedsTheCapEvenAfterManyRetries() {
    assertThat(policy.delayBefore(64, Optional.empty()))
        .isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
    RetryPolicy hugeBase = new RetryPolicy(100, Duration.ofDays(365), Duration.ofSeconds(1));
    assertThat(hugeBase.delayBefore(40, Optional.empty()))
        .isLessThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void retryAfterIsUsedAsGivenUpToTheCap() {
    assertThat(policy.delayBefore(1, Optional.of(Duration.ofSeconds(3))))
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(policy.delayBefore(1, Optional.of(Duration.ofHours(1))))
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void rateLimitsAndUnavailabilityAreRetriedUntilMaxRetries() {
    assertThat(policy.shouldRetry(http(429, "rate_limit_exceeded"), 0)).isTrue();
    assertThat(policy.shouldRetry(http(503, "kms_unavailable"), 1)).isTrue();
    assertThat(policy.shouldRetry(http(503, "http_503"), 1)).isTrue();
    assertThat(policy.shouldRetry(http(503, "kms_unavailable"), 2)).isFalse();
  }

  @Test
  void aSealedTenantAndOtherRefusalsAreNeverRetried() {
    assertThat(policy.shouldRetry(new TenantSealedException(info(503, "tenant_sealed")), 0))
        .isFalse();
    assertThat(policy.shouldRetry(http(500, "internal_error"), 0)).isFalse();
    assertThat(policy.shouldRetry(http(502, "http_502"), 0)).isFalse();
    assertThat(policy.shouldRetry(http(400, "invalid_ciphertext"), 0)).isFalse();
  }

  @Test
  void connectionFailuresAreRetriedButARequestThatTimedOutIsNot() {
    assertThat(policy.shouldRetry(unreachable(new ConnectException("refused")), 0)).isTrue();
    assertThat(policy.shouldRetry(unreachable(new IOException("connection reset")), 0)).isTrue();
    assertThat(
            policy.shouldRetry(
                unreachable(new HttpConnectTimeoutException("connect timed out")), 0))
        .isTrue();
    assertThat(policy.shouldRetry(unreachable(new HttpTimeoutException("request timed out")), 0))
        .isFalse();
  }

  private static KeyLedgerException http(int status, String type) {
    return new KeyLedgerException(info(status, type), null);
  }

  private static ErrorInfo info(int status, String type) {
    return new ErrorInfo(status, type, null, "m", null, null, null);
  }

  private static KeyLedgerException unreachable(IOException cause) {
    return new KeyLedgerException(ErrorInfo.local("unreachable", "m"), cause);
  }
}
