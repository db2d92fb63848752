package dev.keyledger.edge.gateway;

/** The command could not be written to Kafka; nothing was committed. Safe to retry. */
public final class GatewayUnavailableException extends Exception {

  public GatewayUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
