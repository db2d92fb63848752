package dev.keyledger.engine.workers;

import java.time.Duration;
import java.util.Objects;

/**
 * How often the workers run (SPEC §2, DESIGN) and how much a rewrap round moves.
 *
 * @param sealRetry period of the {@link SealWatcher} (default 30 s)
 * @param validation period of the {@link CmkValidator} (default 15 min)
 * @param rewrap period of the {@link RewrapWorker} (default 5 s)
 * @param rewrapBatch DEKs per rewrap batch (default 100)
 */
public record WorkerSettings(
    Duration sealRetry, Duration validation, Duration rewrap, int rewrapBatch) {

  /**
   * @throws IllegalArgumentException if a period is not positive or {@code rewrapBatch < 1}
   */
  public WorkerSettings {
    requirePositive(sealRetry, "sealRetry");
    requirePositive(validation, "validation");
    requirePositive(rewrap, "rewrap");
    if (rewrapBatch < 1) {
      throw new IllegalArgumentException("rewrapBatch must be >= 1, was " + rewrapBatch);
    }
  }

  public static WorkerSettings defaults() {
    return new WorkerSettings(
        Duration.ofSeconds(30),
        Duration.ofMinutes(15),
        Duration.ofSeconds(5),
        RewrapWorker.DEFAULT_BATCH_SIZE);
  }

  private static void requirePositive(Duration period, String name) {
    Objects.requireNonNull(period, name);
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + period);
    }
  }
}
