package dev.keyledger.edge.config;

import dev.keyledger.edge.ratelimit.RateLimitConfig;
import java.util.Arrays;
import java.util.Optional;

/**
 * The keys KeyLedger itself reads, with their built-in defaults (null = no default); each is
 * documented in {@code docs/configuration.md} (a test keeps the two in step). Two families are
 * open-ended: {@code kafka.<client setting>} (passed through to every Kafka client unchecked) and
 * {@code ratelimit.<limit name>} (names from {@link RateLimitConfig}). Any other key is a typo and
 * an error.
 */
public enum ConfigKey {
  DATA_DIR("data.dir", "keyledger-data"),
  HTTP_HOST("http.host", "127.0.0.1"),
  HTTP_PORT("http.port", "8080"),
  HTTP_ADVERTISED_HOST("http.advertised.host", null),
  MANAGEMENT_PORT("management.port", "9464"),
  APPLICATION_ID("application.id", "keyledger"),
  TOPIC_PREFIX("topic.prefix", "keyledger"),
  TOPIC_PARTITIONS("topic.partitions", "12"),
  TOPIC_REPLICATION_FACTOR("topic.replication.factor", "3"),
  KAFKA_NUM_STANDBY_REPLICAS("kafka.num.standby.replicas", "1"),
  KMS_ENDPOINT("kms.endpoint", null),
  KMS_ATTEMPT_TIMEOUT("kms.attempt.timeout", "2s"),
  KMS_TOTAL_TIMEOUT("kms.total.timeout", "6s"),
  KMS_MAX_ATTEMPTS("kms.max.attempts", "3"),
  KMS_PLATFORM_PRINCIPAL_ARN("kms.platform.principal.arn", null),
  KEYS_BYOK_TTL("keys.byok.ttl", "5m"),
  KEYS_PLATFORM_TTL("keys.platform.ttl", "1h"),
  WORKERS_SEAL_RETRY("workers.seal.retry", "30s"),
  WORKERS_VALIDATION("workers.validation", "15m"),
  WORKERS_REWRAP_PERIOD("workers.rewrap.period", "5s"),
  WORKERS_REWRAP_BATCH("workers.rewrap.batch", "100"),
  USAGE_FLUSH("usage.flush", "5s"),
  AUTH_MODE("auth.mode", "jwks"),
  AUTH_ISSUER("auth.issuer", null),
  AUTH_AUDIENCE("auth.audience", null),
  AUTH_JWKS_URL("auth.jwks.url", null),
  AUTH_TENANT_CLAIM("auth.tenant.claim", "org"),
  AUTH_ROLES_CLAIM("auth.roles.claim", "roles"),
  AUTH_ALGORITHMS("auth.algorithms", "RS256,ES256,EdDSA"),
  AUTH_CLOCK_SKEW("auth.clock.skew", "60s"),
  AUTH_STEPUP_ACR("auth.stepup.acr", null),
  AUTH_JWT_SECRET_FILE("auth.jwt.secret.file", null),
  KMS_EXTERNAL_ID_SECRET_FILE("kms.external.id.secret.file", null),
  PLATFORM_KEY_FILE("platform.key.file", null),
  PLATFORM_KEY("platform.key", null);

  /** Prefix of Kafka client settings, passed through without the prefix. */
  public static final String KAFKA_PREFIX = "kafka.";

  /** Prefix of rate limits, {@code ratelimit.<name>=<n>/<period>}. */
  public static final String RATELIMIT_PREFIX = "ratelimit.";

  private final String key;
  private final String defaultValue;

  ConfigKey(String key, String defaultValue) {
    this.key = key;
    this.defaultValue = defaultValue;
  }

  public String key() {
    return key;
  }

  /**
   * The built-in value, or empty when the key has none (optional, or required like {@code
   * kafka.bootstrap.servers}).
   */
  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  public static Optional<ConfigKey> byKey(String key) {
    return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
  }

  /**
   * Whether KeyLedger reads {@code key}: a fixed key, a non-empty {@code kafka.*} key or a known
   * rate limit.
   */
  public static boolean isKnown(String key) {
    if (key.startsWith(KAFKA_PREFIX)) {
      return key.length() > KAFKA_PREFIX.length();
    }
    if (key.startsWith(RATELIMIT_PREFIX)) {
      return RateLimitConfig.defaults()
          .limits()
          .containsKey(key.substring(RATELIMIT_PREFIX.length()));
    }
    return byKey(key).isPresent();
  }

  /** The known key closest to a typo, if one is within two edits. */
  public static Optional<String> closest(String typo) {
    String best = null;
    int bestDistance = 3;
    for (ConfigKey candidate : values()) {
      int d = distance(typo, candidate.key);
      if (d < bestDistance) {
        best = candidate.key;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
