package dev.keyledger.edge.config;

import java.util.Objects;

/**
 * One configuration value and where it came from.
 *
 * @param key the configuration key, e.g. {@code http.port} or {@code kafka.bootstrap.servers}
 * @param value the raw text
 * @param layer the layer that supplied it
 * @param origin what in that layer: the file path, the environment variable name, the flag; empty
 *     for defaults
 */
public record Setting(String key, String value, Layer layer, String origin) {

  public Setting {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(origin, "origin");
  }

  public static Setting ofDefault(String key, String value) {
    return new Setting(key, value, Layer.DEFAULT, "");
  }

  /**
   * A value given on the command line by {@code flag} (e.g. {@code --http-port} or {@code --set}).
   */
  public static Setting flag(String key, String value, String flag) {
    return new Setting(key, value, Layer.FLAG, flag);
  }

  /**
   * Where the value came from, for messages: {@code default}, {@code from environment
   * KEYLEDGER_HTTP_PORT}, ...
   */
  public String source() {
    return switch (layer) {
      case DEFAULT -> "default";
      case FILE -> "from file " + origin;
      case ENVIRONMENT -> "from environment " + origin;
      case FLAG -> "from flag " + origin;
    };
  }

  /** The value as it may be printed: secrets masked ({@link Secrets}). */
  public String shown() {
    return Secrets.isSecret(key) ? Secrets.MASK : value;
  }

  /** Never prints a secret value. */
  @Override
  public String toString() {
    return key + "=" + shown() + " (" + source() + ")";
  }
}
