package dev.keyledger.edge.cli.log;

/**
 * The event log could not be read: the broker is unreachable within the timeout, the topic does not
 * exist, or the reader made no progress. The message says what to check; it never holds a record.
 */
public final class LogReadException extends RuntimeException {

  public LogReadException(String message, Throwable cause) {
    super(message, cause);
  }
}
