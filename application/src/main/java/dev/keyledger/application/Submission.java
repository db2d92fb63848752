package dev.keyledger.application;

import dev.keyledger.avro.CommandOutcome;

/** What became of a submitted command within the caller's wait. */
public sealed interface Submission {

  /** The fold decided; the outcome says accepted or refused. */
  record Decided(CommandOutcome outcome) implements Submission {}

  /** Committed to the log, not decided within the wait: look the outcome up by command id later. */
  record Pending(String commandId) implements Submission {}
}
