package dev.keyledger.edge.config;

/**
 * The configuration cannot be used. The message is one line meant to be printed as is: it names the
 * key, the (masked) value and the layer it came from, and says what is wrong, e.g. {@code
 * http.port=abc (from environment KEYLEDGER_HTTP_PORT): not a port number}.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  /** {@code setting} holds a value that cannot be used because of {@code reason}. */
  public static ConfigException invalid(Setting setting, String reason) {
    return new ConfigException(setting + ": " + reason);
  }
}
