package dev.keyledger.edge.service;

/** The command is on the log but was not decided within the wait; the edge answers 202 with its id. */
public final class PendingException extends RuntimeException {

  private final String commandId;

  public PendingException(String commandId) {
    super("command " + commandId + " is pending", null, false, false);
    this.commandId = commandId;
  }

  public String commandId() {
    return commandId;
  }
}
