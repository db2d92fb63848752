package dev.keyledger.application;

import dev.keyledger.avro.Refusal;
import java.util.function.Supplier;

/**
 * Ends a use case early with an answer that is not done (refused, pending, unavailable). Never
 * leaves the package: {@link #outcome} turns it back into the value each use case returns.
 */
final class Stop extends RuntimeException {

  private final transient Outcome<?> outcome;

  private Stop(Outcome<?> outcome) {
    super(null, null, false, false);
    this.outcome = outcome;
  }

  static Stop refused(Refusal refusal) {
    return new Stop(new Outcome.Refused<>(refusal));
  }

  static Stop unavailable(Refusal reason, int retryAfterSeconds) {
    return new Stop(new Outcome.Unavailable<>(reason, retryAfterSeconds));
  }

  static Stop pending(String commandId) {
    return new Stop(new Outcome.Pending<>(commandId));
  }

  /** Whether the command behind this stop was written but not decided within the wait. */
  boolean pending() {
    return outcome instanceof Outcome.Pending<?>;
  }

  /** Runs a use case body; a {@code Stop} thrown inside becomes its outcome. */
  static <T> Outcome<T> outcome(Supplier<T> body) {
    try {
      return Outcome.done(body.get());
    } catch (Stop stop) {
      @SuppressWarnings("unchecked") // a stop carries no value
      Outcome<T> answer = (Outcome<T>) stop.outcome;
      return answer;
    }
  }
}
