package dev.keyledger.edge.config;

import dev.keyledger.edge.auth.OidcSettings;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
          "application.server", "http.advertised.host and http.port",
          "processing.guarantee", "nothing (KeyLedger needs exactly_once_v2)",
          "replication.factor", "topic.replication.factor",
          "task.assignor.class",
              "nothing (KeyLedger keeps all tasks of a partition on one instance)");

  /** Bind addresses that name no reachable host. */
  private static final java.util.Set<String> WILDCARD_HOSTS =
      java.util.Set.of("0.0.0.0", "::", "[::]");

  /** {@code auth.mode}: tokens of an OpenID Connect identity provider. */
  private static final String JWKS = "jwks";

  /** {@code auth.mode}: HS256 tokens signed with {@code auth.jwt.secret.file}. */
  private static final String SHARED_SECRET = "shared-secret";

  /** Keys that only {@code auth.mode=jwks} reads; setting one with the other mode is a conflict. */
  private static final List<ConfigKey> JWKS_KEYS =
      List.of(
          ConfigKey.AUTH_ISSUER,
          ConfigKey.AUTH_AUDIENCE,
          ConfigKey.AUTH_JWKS_URL,
          ConfigKey.AUTH_TENANT_CLAIM,
          ConfigKey.AUTH_ROLES_CLAIM,
          ConfigKey.AUTH_ALGORITHMS,
          ConfigKey.AUTH_CLOCK_SKEW,
          ConfigKey.AUTH_STEPUP_ACR);

  private final Map<String, Setting> settings;
  private final Path dataDir;
  private final String httpHost;
  private final Optional<String> advertisedHost;
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
  private final Optional<OidcSettings> identityProvider;
  private final Optional<Path> jwtSecretFile;
  private final Optional<Path> externalIdSecretFile;
  private final Optional<Path> platformKeyFile;

  private KeyLedgerConfig(Map<String, Setting> settings) {
    this.settings = Map.copyOf(settings);
    dataDir = required(ConfigKey.DATA_DIR, KeyLedgerConfig::path).toAbsolutePath();
    httpHost = required(ConfigKey.HTTP_HOST, KeyLedgerConfig::nonBlank);
    httpPort = required(ConfigKey.HTTP_PORT, KeyLedgerConfig::port);
    advertisedHost = optional(ConfigKey.HTTP_ADVERTISED_HOST, KeyLedgerConfig::nonBlank);
    if (advertisedHost.isEmpty() && WILDCARD_HOSTS.contains(httpHost)) {
      throw ConfigException.invalid(
          setting(ConfigKey.HTTP_HOST),
          "binds every interface; set http.advertised.host to the name the other instances reach"
              + " this one at");
    }
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
    externalIdSecretFile = optional(ConfigKey.KMS_EXTERNAL_ID_SECRET_FILE, KeyLedgerConfig::path);
    platformKeyFile = optional(ConfigKey.PLATFORM_KEY_FILE, KeyLedgerConfig::path);
    if (platformKeyFile.isPresent()
        && optional(ConfigKey.PLATFORM_KEY, KeyLedgerConfig::nonBlank).isPresent()) {
      throw ConfigException.invalid(
          setting(ConfigKey.PLATFORM_KEY),
          "conflicts with " + setting(ConfigKey.PLATFORM_KEY_FILE) + "; set one");
    }
    identityProvider = parseIdentityProvider();
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
    NodeSettings node =
        NodeSettings.of(dataDir, kafka, applicationId, topicPrefix, topics, httpHost, httpPort, aws)
            .withManagementPort(managementPort)
            .withKeyring(keyring)
            .withWorkers(workers)
            .withUsageFlush(usageFlush)
            .withRateLimits(rateLimits)
            .withAdvertisedHost(advertisedHost.orElse(null));
    return identityProvider.map(node::withIdentityProvider).orElse(node);
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

  /**
   * The identity provider whose tokens the edge accepts ({@code auth.mode=jwks}, the default);
   * empty with {@code auth.mode=shared-secret}.
   */
  public Optional<OidcSettings> identityProvider() {
    return identityProvider;
  }

  public Optional<Path> jwtSecretFile() {
    return jwtSecretFile;
  }

  /** The file of the secret external ids are derived from ({@code kms.external.id.secret.file}). */
  public Optional<Path> externalIdSecretFile() {
    return externalIdSecretFile;
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

  /**
   * {@code auth.mode=jwks} needs an issuer and an audience and reads the other {@code auth.*}
   * identity provider keys; {@code auth.mode=shared-secret} reads none of them, and one set anyway
   * is a conflict (it would be ignored).
   */
  private Optional<OidcSettings> parseIdentityProvider() {
    Setting mode = setting(ConfigKey.AUTH_MODE);
    String chosen = required(ConfigKey.AUTH_MODE, KeyLedgerConfig::authMode);
    if (SHARED_SECRET.equals(chosen)) {
      for (ConfigKey key : JWKS_KEYS) {
        Setting s = setting(key);
        if (s != null && s.layer() != Layer.DEFAULT && !s.value().isBlank()) {
          throw ConfigException.invalid(s, "applies only with auth.mode=jwks, not with " + mode);
        }
      }
      return Optional.empty();
    }
    Optional<String> issuer = optional(ConfigKey.AUTH_ISSUER, KeyLedgerConfig::nonBlank);
    Optional<String> audience = optional(ConfigKey.AUTH_AUDIENCE, KeyLedgerConfig::nonBlank);
    if (issuer.isEmpty() || audience.isEmpty()) {
      String missing =
          issuer.isEmpty() && audience.isEmpty()
              ? "auth.issuer and auth.audience"
              : issuer.isEmpty() ? "auth.issuer" : "auth.audience";
      throw new ConfigException(
          mode
              + " needs "
              + missing
              + ": the identity provider whose tokens KeyLedger accepts (its issuer URL, e.g."
              + " auth.issuer=https://login.example.com/realms/acme) and the audience of its tokens"
              + " for KeyLedger (e.g. auth.audience=keyledger); or set auth.mode=shared-secret to"
              + " accept HS256 tokens signed with auth.jwt.secret.file");
    }
    Optional<URI> jwksUrl = optional(ConfigKey.AUTH_JWKS_URL, KeyLedgerConfig::fetchableUrl);
    String tenantClaim = required(ConfigKey.AUTH_TENANT_CLAIM, KeyLedgerConfig::nonBlank);
    String rolesClaim = required(ConfigKey.AUTH_ROLES_CLAIM, KeyLedgerConfig::nonBlank);
    Set<String> algorithms = required(ConfigKey.AUTH_ALGORITHMS, KeyLedgerConfig::algorithms);
    Duration clockSkew = required(ConfigKey.AUTH_CLOCK_SKEW, Durations::parse);
    List<String> stepUpAcr =
        optional(ConfigKey.AUTH_STEPUP_ACR, KeyLedgerConfig::words).orElse(List.of());
    try {
      return Optional.of(
          new OidcSettings(
              issuer.get(),
              audience.get(),
              jwksUrl,
              tenantClaim,
              rolesClaim,
              algorithms,
              clockSkew,
              stepUpAcr));
    } catch (IllegalArgumentException e) {
      // every other value was checked above: what is left is discovery from the issuer
      throw ConfigException.invalid(
          setting(ConfigKey.AUTH_ISSUER), e.getMessage() + " (or set auth.jwks.url)");
    }
  }

  private static String authMode(String value) {
    String mode = value.strip();
    if (!JWKS.equals(mode) && !SHARED_SECRET.equals(mode)) {
      throw new IllegalArgumentException(
          "must be jwks (tokens of an OpenID Connect identity provider) or shared-secret (HS256"
              + " tokens signed with auth.jwt.secret.file)");
    }
    return mode;
  }

  private static URI fetchableUrl(String value) {
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL");
    }
    OidcSettings.requireFetchable(uri);
    return uri;
  }

  private static Set<String> algorithms(String value) {
    Set<String> algorithms = new LinkedHashSet<>(words(value));
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("name at least one algorithm, e.g. RS256,ES256,EdDSA");
    }
    algorithms.forEach(OidcSettings::requireSupported);
    return algorithms;
  }

  /** Comma- or space-separated values, blanks dropped. */
  private static List<String> words(String value) {
    return Arrays.stream(value.split("[,\\s]+")).filter(w -> !w.isEmpty()).toList();
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
