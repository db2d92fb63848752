package dev.keyledger.engine.domain;

/**
 * When a KMS round trip counts as slow (SPEC §3a health {@code degraded}, §5 High latency): the one
 * threshold the health check and the alerts share.
 */
public final class KmsLatency {

  /** Slower than this, in milliseconds, is slow. */
  public static final long SLOW_MILLIS = 200;

  private KmsLatency() {}

  /** True when either call of a round trip took longer than {@link #SLOW_MILLIS}. */
  public static boolean isSlow(long encryptMillis, long decryptMillis) {
    return encryptMillis > SLOW_MILLIS || decryptMillis > SLOW_MILLIS;
  }
}
