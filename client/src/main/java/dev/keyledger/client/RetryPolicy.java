package dev.keyledger.client;

import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which failures are worth another attempt and how long to wait before it. Every KeyLedger call the
 * client makes is idempotent, so the policy does not need to know which call failed.
 */
final class RetryPolicy {

  private static final int MAX_DOUBLINGS = 30;

  private final int maxRetries;
  private final long initialBackoffNanos;
  private final long capNanos;

  RetryPolicy(int maxRetries, Duration initialBackoff, Duration cap) {
    this.maxRetries = maxRetries;
    this.initialBackoffNanos = initialBackoff.toNanos();
    this.capNanos = cap.toNanos();
  }

  /**
   * Whether to try again after {@code failure}, given that {@code retriesSoFar} retries were made
   * already.
   */
  boolean shouldRetry(KeyLedgerException failure, int retriesSoFar) {
    return retriesSoFar < maxRetries && isTransient(failure);
  }

  private static boolean isTransient(KeyLedgerException failure) {
    if (failure instanceof TenantSealedException) {
      return false; // sealing is the customer's decision: fail closed at once
    }
    if (failure.status() == 429 || failure.status() == 503) {
      return true;
    }
    return "unreachable".equals(failure.type()) && isConnectionFailure(failure.getCause());
  }

  /**
   * A request that timed out after connecting may still be running on the server and has used up
   * the caller's time budget, so only a failure to connect, or a connection dropped under us, is
   * retried.
   */
  private static boolean isConnectionFailure(Throwable cause) {
    return !(cause instanceof HttpTimeoutException) || cause instanceof HttpConnectTimeoutException;
  }

  /**
   * The wait before retry number {@code retry} (1-based): the server's {@code Retry-After} when
   * given, else exponential backoff from the initial value with equal jitter; always at most the
   * cap.
   */
  Duration delayBefore(int retry, Optional<Duration> retryAfter) {
    if (retryAfter.isPresent()) {
      return Duration.ofNanos(Math.min(retryAfter.get().toNanos(), capNanos));
    }
    long factor = 1L << Math.min(retry - 1, MAX_DOUBLINGS);
    long exponential =
        initialBackoffNanos > capNanos / factor ? capNanos : initialBackoffNanos * factor;
    long ceiling = Math.min(exponential, capNanos);
    // Equal jitter: half fixed so retries keep backing off, half random so clients that failed
    // together do not come back together.
    long half = ceiling / 2;
    return Duration.ofNanos(ceiling - half + ThreadLocalRandom.current().nextLong(half + 1));
  }
}
