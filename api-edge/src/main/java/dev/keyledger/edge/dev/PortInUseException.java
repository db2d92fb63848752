package dev.keyledger.edge.dev;

import java.io.IOException;

/**
 * A port a dev-mode component needs is already taken. The message is meant to be printed as is,
 * without a stack trace, e.g. "port 9092 on 127.0.0.1 is already in use; stop the other process or
 * pass --kafka-port".
 */
public final class PortInUseException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String host;
  private final int port;

  /**
   * @param host the address that could not be bound
   * @param port the port that could not be bound
   * @param flag the command-line flag that chooses another port, e.g. {@code --kafka-port}
   */
  public PortInUseException(String host, int port, String flag) {
    super(
        "port "
            + port
            + " on "
            + host
            + " is already in use; stop the other process or pass "
            + flag);
    this.host = host;
    this.port = port;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /**
   * Fails with this exception when {@code host:port} cannot be bound now; port 0 (ephemeral) always
   * passes.
   *
   * @param flag the flag that sets the port, named in the message
   */
  public static void requireFree(String host, int port, String flag) throws IOException {
    if (port == 0) {
      return;
    }
    try (java.net.ServerSocket probe =
        new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName(host))) {
      probe.setReuseAddress(true);
    } catch (IOException e) {
      throw new PortInUseException(host, port, flag);
    }
  }
}
