package dev.keyledger.localkms;

import java.io.IOException;

/**
 * Thrown by {@link LocalKms#start} when the configured host:port is already bound by another
 * process.
 */
public final class PortInUseException extends IOException {
  private static final long serialVersionUID = 1L;

  public PortInUseException(String host, int port, Throwable cause) {
    super(
        "local-kms cannot listen on " + host + ":" + port + ": the port is already in use", cause);
  }
}
