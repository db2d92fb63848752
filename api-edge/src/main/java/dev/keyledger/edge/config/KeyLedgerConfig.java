package dev.keyledger.edge.config;

import dev.keyledger.edge.node.NodeSettings;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.engine.keys.KeyringSettings;
import dev.keyledger.engine.kms.AwsKmsSettings;
import dev.keyledger.engine.topology.TopicsAdmin;
import dev.keyledger.engine.workers.WorkerSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The effective, validated configuration of one {@code keyledger serve} instance, built from {@link
 * ConfigLayers}. Every value is checked when this is built, so a bad value fails at start with one
 * {@link ConfigException} naming the key and its layer. {@code kafka.*} values are not checked
 * (Kafka checks them), except that KeyLedger's own Streams settings cannot be overridden. {@link
 * #describe()} never shows a secret.
 */
public final class KeyLedgerConfig {

  /** Streams settings KeyLedger sets itself, and the key that controls each instead. */
  private static final Map<String, String> OWNED_KAFKA_KEYS =
      Map.of(
          "application.id", "application.id",
          "state.dir", "data.dir",
          "application.server", "http.host and http.port",
          "processing.guarantee", "nothing (KeyLedger needs exactly_once_v2)",
          "replication.factor", "topic.replication.factor");

  private final Map<String, Setting> settings;
  private final Path dataDir;
  private final String httpHost;
  private final int httpPort;
  private final int managementPort;
  private final String applicationId;
  private final String topicPrefix;
  private final TopicsAdmin.Settings topics;
  private final Map<String, Object> kafka;
  private final Optional<URI> kmsEndpoint;
  private final Duration kmsAttemptTimeout;
  private final Duration kmsTotalTimeout;
  private final int kmsMaxAttempts;
  private final Optional<String> platformPrincipalArn;
  private final KeyringSettings keyring;
  private final WorkerSettings workers;
  private final Duration usageFlush;
  private final RateLimitConfig rateLimits;
  private final Optional<Path> jwtSecretFile;
  private final Optional<Path> platformKeyFile;

  private KeyLedgerConfig(Map<String, Setting> settings) {
    this.settings = Map.copyOf(settings);
    dataDir = required(ConfigKey.DATA_DIR, KeyLedgerConfig::path).toAbsolutePath();
    httpHost = required(ConfigKey.HTTP_HOST, KeyLedgerConfig::nonBlank);
    httpPort = required(ConfigKey.HTTP_PORT, KeyLedgerConfig::port);
    managementPort = required(ConfigKey.MANAGEMENT_PORT, KeyLedgerConfig::port);
    if (managementPort != 0 && managementPort == httpPort) {
      throw ConfigException.invalid(
          setting(ConfigKey.MANAGEMENT_PORT),
          "the same port as http.port; the management port needs its own");
    }
    applicationId = required(ConfigKey.APPLICATION_ID, KeyLedgerConfig::nonBlank);
    topicPrefix = required(ConfigKey.TOPIC_PREFIX, KeyLedgerConfig::nonBlank);
    int partitions = required(ConfigKey.TOPIC_PARTITIONS, v -> intIn(v, 1, 10_000));
    short replication =
        required(ConfigKey.TOPIC_REPLICATION_FACTOR, v -> (short) intIn(v, 1, Short.MAX_VALUE));
    topics = new TopicsAdmin.Settings(partitions, replication, Map.of());
    kafka = kafka(settings);
    kmsEndpoint = optional(ConfigKey.KMS_ENDPOINT, KeyLedgerConfig::endpoint);
    kmsAttemptTimeout = required(ConfigKey.KMS_ATTEMPT_TIMEOUT, Durations::parse);
    kmsTotalTimeout = required(ConfigKey.KMS_TOTAL_TIMEOUT, Durations::parse);
    if (kmsTotalTimeout.compareTo(kmsAttemptTimeout) < 0) {
      throw ConfigException.invalid(
          setting(ConfigKey.KMS_TOTAL_TIMEOUT),
          "shorter than kms.attempt.timeout="
              + Durations.format(kmsAttemptTimeout)
              + "; the total bound includes every attempt");
    }
    kmsMaxAttempts = required(ConfigKey.KMS_MAX_ATTEMPTS, v -> intIn(v, 1, 20));
    platformPrincipalArn = optional(ConfigKey.KMS_PLATFORM_PRINCIPAL_ARN, KeyLedgerConfig::iamArn);
    keyring =
        new KeyringSettings(
            required(ConfigKey.KEYS_BYOK_TTL, Durations::parse),
            required(ConfigKey.KEYS_PLATFORM_TTL, Durations::parse),
            KeyringSettings.defaults().maxEntries());
    workers =
        new WorkerSettings(
            required(ConfigKey.WORKERS_SEAL_RETRY, Durations::parse),
            required(ConfigKey.WORKERS_VALIDATION, Durations::parse),
            required(ConfigKey.WORKERS_REWRAP_PERIOD, Durations::parse),
            required(ConfigKey.WORKERS_REWRAP_BATCH, v -> intIn(v, 1, 100_000)));
    usageFlush = required(ConfigKey.USAGE_FLUSH, Durations::parse);
    rateLimits = rateLimits(settings);
    jwtSecretFile = optional(ConfigKey.AUTH_JWT_SECRET_FILE, KeyLedgerConfig::path);
    platformKeyFile = optional(ConfigKey.PLATFORM_KEY_FILE, KeyLedgerConfig::path);
    if (platformKeyFile.isPresent()
        && optional(ConfigKey.PLATFORM_KEY, KeyLedgerConfig::nonBlank).isPresent()) {
      throw ConfigException.invalid(
          setting(ConfigKey.PLATFORM_KEY),
          "conflicts with " + setting(ConfigKey.PLATFORM_KEY_FILE) + "; set one");
    }
  }

  /**
   * Validates the effective settings of {@code layers}.
   *
   * @throws ConfigException naming the first bad key and its layer
   */
  public static KeyLedgerConfig from(ConfigLayers layers) {
    return new KeyLedgerConfig(layers.effective());
  }

  /**
   * Defaults, then {@code file} (if not null), then {@code environment}, then {@code flags},
   * validated.
   */
  public static KeyLedgerConfig load(
      Path file, Map<String, String> environment, List<Setting> flags) {
    ConfigLayers layers = ConfigLayers.defaults();
    if (file != null) {
      layers = layers.withFile(file);
    }
    return from(layers.withEnvironment(environment).withFlags(flags));
  }

  /**
   * The settings of one instance: external Kafka with these client settings, AWS KMS (at {@code
   * kms.endpoint} if set) with the platform credentials of the AWS default chain.
   */
  public NodeSettings nodeSettings() {
    AwsKmsSettings defaults = AwsKmsSettings.defaults();
    AwsKmsSettings aws =
        defaults
            .withTimeouts(kmsAttemptTimeout, kmsTotalTimeout, kmsMaxAttempts)
            .withPlatformCredentials(
                defaults.platformCredentials(), platformPrincipalArn.orElse(null))
            .withEndpointOverride(kmsEndpoint.orElse(null));
    return NodeSettings.of(
            dataDir, kafka, applicationId, topicPrefix, topics, httpHost, httpPort, aws)
        .withManagementPort(managementPort)
        .withKeyring(keyring)
        .withWorkers(workers)
        .withUsageFlush(usageFlush)
        .withRateLimits(rateLimits);
  }

  /**
   * One line per effective key, sorted, {@code key = value (source)}; secrets masked, unset
   * optional keys shown as such.
   */
  public String describe() {
    Map<String, String> lines = new TreeMap<>();
    settings
        .values()
        .forEach(s -> lines.put(s.key(), s.key() + " = " + s.shown() + "  (" + s.source() + ")"));
    for (ConfigKey key : ConfigKey.values()) {
      lines.putIfAbsent(key.key(), key.key() + " = (not set)");
    }
    StringBuilder text = new StringBuilder("effective configuration:");
    lines.values().forEach(line -> text.append("\n  ").append(line));
    return text.toString();
  }

  /** The winning setting of {@code key}, if any (for messages that name a layer). */
  public Optional<Setting> setting(String key) {
    return Optional.ofNullable(settings.get(key));
  }

  public Path dataDir() {
    return dataDir;
  }

  public String httpHost() {
    return httpHost;
  }

  public int httpPort() {
    return httpPort;
  }

  /** Port of {@code /metrics}, {@code /healthz} and {@code /readyz} (on {@link #httpHost}). */
  public int managementPort() {
    return managementPort;
  }

  public String applicationId() {
    return applicationId;
  }

  /** Kafka client settings, {@code kafka.} prefix removed. */
  public Map<String, Object> kafka() {
    return kafka;
  }

  public String bootstrapServers() {
    return (String) kafka.get("bootstrap.servers");
  }

  public Optional<URI> kmsEndpoint() {
    return kmsEndpoint;
  }

  public Optional<Path> jwtSecretFile() {
    return jwtSecretFile;
  }

  public Optional<Path> platformKeyFile() {
    return platformKeyFile;
  }

  /** The platform key as base64 text ({@code platform.key}); never print it. */
  public Optional<String> platformKeyText() {
    return optional(ConfigKey.PLATFORM_KEY, KeyLedgerConfig::nonBlank);
  }

  @Override
  public String toString() {
    return describe();
  }

  private Setting setting(ConfigKey key) {
    return settings.get(key.key());
  }

  private <T> T required(ConfigKey key, Function<String, T> parser) {
    Setting s = setting(key);
    if (s == null) {
      throw new ConfigException(key.key() + " is required");
    }
    return parse(s, parser);
  }

  /** Absent or blank is unset, so a higher layer can unset an optional value with an empty one. */
  private <T> Optional<T> optional(ConfigKey key, Function<String, T> parser) {
    Setting s = setting(key);
    return s == null || s.value().isBlank() ? Optional.empty() : Optional.of(parse(s, parser));
  }

  private static <T> T parse(Setting s, Function<String, T> parser) {
    try {
      return parser.apply(s.value());
    } catch (IllegalArgumentException e) {
      throw ConfigException.invalid(s, e.getMessage());
    }
  }

  private static Map<String, Object> kafka(Map<String, Setting> settings) {
    Map<String, Object> kafka = new HashMap<>();
    for (Setting s : settings.values()) {
      if (!s.key().startsWith(ConfigKey.KAFKA_PREFIX)) {
        continue;
      }
      String name = s.key().substring(ConfigKey.KAFKA_PREFIX.length());
      String instead = OWNED_KAFKA_KEYS.get(name);
      if (instead != null) {
        throw ConfigException.invalid(s, "KeyLedger sets " + name + " itself; use " + instead);
      }
      kafka.put(name, s.value());
    }
    Object bootstrap = kafka.get("bootstrap.servers");
    if (bootstrap == null || bootstrap.toString().isBlank()) {
      throw new ConfigException(
          "kafka.bootstrap.servers is required: set it in the config file, as KEYLEDGER_KAFKA_BOOTSTRAP_SERVERS"
              + " or with --set kafka.bootstrap.servers=HOST:PORT,...");
    }
    return Map.copyOf(kafka);
  }

  private static RateLimitConfig rateLimits(Map<String, Setting> settings) {
    Map<String, RateLimitConfig.Limit> limits = new HashMap<>();
    for (Setting s : settings.values()) {
      if (s.key().startsWith(ConfigKey.RATELIMIT_PREFIX)) {
        limits.put(
            s.key().substring(ConfigKey.RATELIMIT_PREFIX.length()), parse(s, RateLimitSpec::parse));
      }
    }
    return RateLimitConfig.defaults().withLimits(limits);
  }

  private static String nonBlank(String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return value.strip();
  }

  private static Path path(String value) {
    try {
      return Path.of(nonBlank(value));
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("not a valid path");
    }
  }

  private static int port(String value) {
    return intIn(value, 0, 65535, "not a port number (0-65535)");
  }

  private static int intIn(String value, int min, int max) {
    return intIn(value, min, max, "must be a whole number from " + min + " to " + max);
  }

  private static int intIn(String value, int min, int max, String message) {
    int n;
    try {
      n = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(message);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(message);
    }
    return n;
  }

  private static URI endpoint(String value) {
    String message =
        "not an http(s) URL, e.g. http://local-kms:4566 or https://kms.eu-west-1.amazonaws.com";
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(message);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(message);
    }
    return uri;
  }

  private static String iamArn(String value) {
    String arn = value.strip();
    if (!arn.matches("arn:aws[\\w-]*:iam::\\d{12}:(role|user)/[\\w+=,.@/-]+")) {
      throw new IllegalArgumentException(
          "not an IAM role or user ARN, e.g. arn:aws:iam::123456789012:role/keyledger-service");
    }
    return arn;
  }
}
