package dev.keyledger.edge.config;

import dev.keyledger.edge.ratelimit.RateLimitConfig;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configuration layers merged in precedence order: defaults &lt; file &lt; environment &lt;
 * flags. Each {@code with*} call adds the next layer, whose values override the ones before; adding
 * a lower layer after a higher one is a programming error. Every key is checked as it arrives: a
 * key KeyLedger does not know (outside {@code kafka.*}) is a typo and fails at once, naming its
 * layer. Immutable.
 */
public final class ConfigLayers {

  private final Map<String, Setting> effective;
  private final Layer last;

  private ConfigLayers(Map<String, Setting> effective, Layer last) {
    this.effective = effective;
    this.last = last;
  }

  /** Only the built-in defaults of {@link ConfigKey} and of the rate limits. */
  public static ConfigLayers defaults() {
    Map<String, Setting> defaults = new TreeMap<>();
    for (ConfigKey key : ConfigKey.values()) {
      key.defaultValue()
          .ifPresent(value -> defaults.put(key.key(), Setting.ofDefault(key.key(), value)));
    }
    RateLimitConfig.defaults()
        .limits()
        .forEach(
            (name, limit) -> {
              String key = ConfigKey.RATELIMIT_PREFIX + name;
              defaults.put(key, Setting.ofDefault(key, RateLimitSpec.format(limit)));
            });
    return new ConfigLayers(defaults, Layer.DEFAULT);
  }

  /**
   * Adds the properties file {@code file}. @throws ConfigException if it is missing, malformed or
   * has an unknown key
   */
  public ConfigLayers withFile(Path file) {
    return with(Layer.FILE, PropertiesFileLayer.read(file));
  }

  /**
   * Adds the {@code KEYLEDGER_*} variables of {@code environment}. @throws ConfigException on an
   * unknown key
   */
  public ConfigLayers withEnvironment(Map<String, String> environment) {
    return with(Layer.ENVIRONMENT, EnvironmentLayer.read(environment));
  }

  /**
   * Adds command-line settings ({@link Setting#flag}).
   *
   * @throws ConfigException on an unknown key, or when two flags give one key different values
   *     (e.g. {@code --http-port 1} and {@code --set http.port=2})
   */
  public ConfigLayers withFlags(List<Setting> flags) {
    Map<String, Setting> seen = new HashMap<>();
    for (Setting flag : flags) {
      Setting before = seen.putIfAbsent(flag.key(), flag);
      if (before != null && !before.value().equals(flag.value())) {
        throw new ConfigException("conflicting flags: " + before + " and " + flag + "; give one");
      }
    }
    return with(Layer.FLAG, flags);
  }

  private ConfigLayers with(Layer layer, List<Setting> settings) {
    if (layer.compareTo(last) < 0) {
      throw new IllegalStateException(
          layer + " added after " + last + "; add layers in precedence order");
    }
    Map<String, Setting> merged = new TreeMap<>(effective);
    for (Setting setting : settings) {
      if (setting.layer() != layer) {
        throw new IllegalArgumentException(setting + " is not from layer " + layer);
      }
      if (!ConfigKey.isKnown(setting.key())) {
        throw ConfigException.invalid(
            setting,
            "unknown key"
                + ConfigKey.closest(setting.key())
                    .map(k -> "; did you mean " + k + "?")
                    .orElse(
                        setting.key().startsWith(ConfigKey.RATELIMIT_PREFIX)
                            ? "; rate limits are " + String.join(", ", rateLimitKeys())
                            : ""));
      }
      merged.put(setting.key(), setting);
    }
    return new ConfigLayers(merged, layer);
  }

  private static List<String> rateLimitKeys() {
    return new TreeMap<>(RateLimitConfig.defaults().limits())
        .keySet().stream().map(name -> ConfigKey.RATELIMIT_PREFIX + name).toList();
  }

  /** The winning setting of every key, sorted by key. */
  public Map<String, Setting> effective() {
    return Collections.unmodifiableMap(effective);
  }
}
