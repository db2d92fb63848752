package dev.keyledger.application;

import dev.keyledger.avro.Refusal;

/**
 * What a use case did, as a value: the edge renders it, a worker logs it. No exception crosses a
 * use case's boundary for an expected answer.
 *
 * @param <T> the value of a use case that was done
 */
public sealed interface Outcome<T> {

  /** Done; {@code value} is what the caller asked for. */
  record Done<T>(T value) implements Outcome<T> {}

  /**
   * The command is on the log but was not decided within the wait; look it up by {@code commandId}
   * later.
   */
  record Pending<T>(String commandId) implements Outcome<T> {}

  /** Refused for a reason the caller can act on; nothing changed. Refused commands are audited. */
  record Refused<T>(Refusal refusal) implements Outcome<T> {}

  /**
   * Not possible right now (the log, a store or KMS is unavailable, a key is being rotated);
   * nothing changed, the same call may succeed after {@code retryAfterSeconds}.
   */
  record Unavailable<T>(Refusal reason, int retryAfterSeconds) implements Outcome<T> {}

  static <T> Outcome<T> done(T value) {
    return new Done<>(value);
  }
}
