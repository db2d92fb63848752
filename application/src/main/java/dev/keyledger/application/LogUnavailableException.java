package dev.keyledger.application;

/** The command could not be written to the log; nothing was committed. Safe to retry. */
public final class LogUnavailableException extends Exception {

  public LogUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
