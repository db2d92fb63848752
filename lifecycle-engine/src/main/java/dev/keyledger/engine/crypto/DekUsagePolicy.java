package dev.keyledger.engine.crypto;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a DEK must be retired (SPEC §1): after {@value #MAX_ENCRYPTIONS} (2^30) encryptions or
 * {@link #MAX_AGE} (90 days), whichever comes first. Pure: no clock, so the fold can call it with
 * the time carried by a command.
 */
public final class DekUsagePolicy {
  /**
   * Encryptions after which a DEK is retired: 2^30 (well below the 2^32 random-nonce GCM bound).
   */
  public static final long MAX_ENCRYPTIONS = 1L << 30;

  /** Age after which a DEK is retired. */
  public static final Duration MAX_AGE = Duration.ofDays(90);

  /** Outcome of {@link #evaluate}. */
  public sealed interface Decision permits Ok, Retire {}

  /** The DEK may keep encrypting. */
  public record Ok() implements Decision {}

  /** The DEK must be retired (it may still decrypt). */
  public record Retire(Reason reason) implements Decision {
    /** Requires a reason. */
    public Retire {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Why a DEK is retired. */
  public enum Reason {
    /** It has done {@link #MAX_ENCRYPTIONS} encryptions. */
    ENCRYPTION_LIMIT,
    /** It is {@link #MAX_AGE} old. */
    MAX_AGE
  }

  private DekUsagePolicy() {}

  /**
   * Decides whether a DEK created at {@code createdAt} that has done {@code encryptions}
   * encryptions must be retired at {@code now}. Limits are inclusive: exactly 2^30 encryptions, or
   * exactly 90 days of age, retires. When both hold, the reason is {@link Reason#ENCRYPTION_LIMIT}.
   * A {@code now} before {@code createdAt} (clock skew) counts as age zero.
   *
   * @throws IllegalArgumentException if {@code encryptions} is negative
   */
  public static Decision evaluate(Instant createdAt, long encryptions, Instant now) {
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(now, "now");
    if (encryptions < 0) {
      throw new IllegalArgumentException("encryptions must be >= 0, was " + encryptions);
    }
    if (encryptions >= MAX_ENCRYPTIONS) {
      return new Retire(Reason.ENCRYPTION_LIMIT);
    }
    if (!now.isBefore(createdAt.plus(MAX_AGE))) {
      return new Retire(Reason.MAX_AGE);
    }
    return new Ok();
  }
}
