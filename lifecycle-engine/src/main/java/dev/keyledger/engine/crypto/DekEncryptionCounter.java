package dev.keyledger.engine.crypto;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Atomic per-DEK count of encryptions that enforces {@link DekUsagePolicy#MAX_ENCRYPTIONS} as a
 * hard cap: however many threads encrypt concurrently, at most 2^30 reservations ever succeed.
 * Reserve before each encryption; a refusal means the DEK must be retired and a new one used.
 */
public final class DekEncryptionCounter {
  private final AtomicLong encryptions;

  private DekEncryptionCounter(long encryptions) {
    this.encryptions = new AtomicLong(encryptions);
  }

  /**
   * A counter continuing from {@code encryptionsSoFar} (as recorded for the DEK).
   *
   * @throws IllegalArgumentException if negative
   */
  public static DekEncryptionCounter resumeFrom(long encryptionsSoFar) {
    if (encryptionsSoFar < 0) {
      throw new IllegalArgumentException("encryptionsSoFar must be >= 0, was " + encryptionsSoFar);
    }
    return new DekEncryptionCounter(encryptionsSoFar);
  }

  /**
   * Counts one encryption if the DEK is below its limit; {@code false} means retire it, do not
   * encrypt.
   */
  public boolean tryReserve() {
    while (true) {
      long n = encryptions.get();
      if (n >= DekUsagePolicy.MAX_ENCRYPTIONS) {
        return false;
      }
      if (encryptions.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /**
   * Encryptions counted so far, never above {@link DekUsagePolicy#MAX_ENCRYPTIONS} unless resumed
   * above it.
   */
  public long encryptions() {
    return encryptions.get();
  }
}
