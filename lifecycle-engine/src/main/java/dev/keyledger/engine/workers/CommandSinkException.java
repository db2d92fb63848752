package dev.keyledger.engine.workers;

/**
 * A worker's command was not written, or was written and not decided in time; the worker retries on
 * its next round. A sender that counts what it sends must tell the two apart ({@link #written}): a
 * written command is folded later, so sending its content again counts it twice.
 */
public final class CommandSinkException extends Exception {

  private final boolean written;

  /** The command was not written: nothing of it will be folded. */
  public CommandSinkException(String message, Throwable cause) {
    this(message, cause, false);
  }

  private CommandSinkException(String message, Throwable cause, boolean written) {
    super(message, cause);
    this.written = written;
  }

  /** The command was written but its outcome did not arrive in time: it will still be folded. */
  public static CommandSinkException undecided(String message) {
    return new CommandSinkException(message, null, true);
  }

  /** True when the command was written (and will be folded), only its outcome is not known yet. */
  public boolean written() {
    return written;
  }
}
