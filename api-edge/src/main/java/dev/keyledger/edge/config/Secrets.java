package dev.keyledger.edge.config;

import java.util.Locale;

/**
 * Which configuration keys hold secrets: any key containing {@code secret}, {@code password} or
 * {@code credential}, {@code sasl.jaas.config}, and keys ending in {@code .key} (e.g. {@code
 * platform.key}, Kafka's {@code ssl.keystore.key}). Their values are never printed.
 */
public final class Secrets {

  /** What is printed instead of a secret value. */
  public static final String MASK = "******";

  private Secrets() {}

  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("secret")
        || k.contains("password")
        || k.contains("credential")
        || k.endsWith("sasl.jaas.config")
        || k.endsWith(".key");
  }
}
