package dev.keyledger.edge.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads {@code KEYLEDGER_*} environment variables as settings: strip the prefix, lower-case, and
 * replace {@code _} by {@code .}. {@code KEYLEDGER_HTTP_PORT} is {@code http.port}; {@code
 * KEYLEDGER_KAFKA_SASL_JAAS_CONFIG} is {@code kafka.sasl.jaas.config}, passed to Kafka as {@code
 * sasl.jaas.config}. Variables without the prefix are ignored. The environment is passed in, never
 * read here, so that tests control it.
 */
public final class EnvironmentLayer {

  /** Prefix of the variables read; case-sensitive, as environment variables are. */
  public static final String PREFIX = "KEYLEDGER_";

  private EnvironmentLayer() {}

  /**
   * The configuration key of {@code variable}, e.g. {@code http.port} for {@code
   * KEYLEDGER_HTTP_PORT}.
   */
  public static String keyOf(String variable) {
    if (!variable.startsWith(PREFIX)) {
      throw new IllegalArgumentException(variable + " does not start with " + PREFIX);
    }
    return variable.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /**
   * The settings of every {@code KEYLEDGER_*} variable in {@code environment}, in variable order.
   *
   * @throws ConfigException if two variables name the same key (they differ only in case)
   */
  public static List<Setting> read(Map<String, String> environment) {
    Map<String, String> variableOfKey = new HashMap<>();
    List<Setting> settings = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
      if (!e.getKey().startsWith(PREFIX) || e.getKey().length() == PREFIX.length()) {
        continue;
      }
      String key = keyOf(e.getKey());
      String other = variableOfKey.putIfAbsent(key, e.getKey());
      if (other != null) {
        throw new ConfigException(
            "environment variables "
                + other
                + " and "
                + e.getKey()
                + " both set "
                + key
                + "; keep one");
      }
      settings.add(new Setting(key, e.getValue(), Layer.ENVIRONMENT, e.getKey()));
    }
    return settings;
  }
}
