package dev.keyledger.engine.workers;

/**
 * A worker's command was not written or not decided in time; the worker retries on its next round.
 */
public final class CommandSinkException extends Exception {

  public CommandSinkException(String message, Throwable cause) {
    super(message, cause);
  }
}
