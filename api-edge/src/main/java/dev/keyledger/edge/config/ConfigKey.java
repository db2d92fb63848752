package dev.keyledger.edge.config;

import dev.keyledger.edge.ratelimit.RateLimitConfig;
import java.util.Arrays;
import java.util.Optional;

/**
 * The keys KeyLedger itself reads, with their built-in defaults (null = no default). Two families are
 * open-ended: {@code kafka.<client setting>} (passed through to every Kafka client unchecked) and
 * {@code ratelimit.<limit name>} (names from {@link RateLimitConfig}). Any other key is a typo and an error.
 */
public enum ConfigKey {
  DATA_DIR("data.dir", "keyledger-data", "State directory: Streams stores, instance id, platform key, JWT secret"),
  HTTP_HOST("http.host", "127.0.0.1", "Address the HTTP edge binds; also advertised to other instances (application.server)"),
  HTTP_PORT("http.port", "8080", "HTTP edge port (0 = any free port)"),
  APPLICATION_ID("application.id", "keyledger", "Kafka Streams application id; instances with the same id share the work"),
  TOPIC_PREFIX("topic.prefix", "keyledger", "Prefix of every topic name"),
  TOPIC_PARTITIONS("topic.partitions", "12", "Partitions of topics KeyLedger creates"),
  TOPIC_REPLICATION_FACTOR("topic.replication.factor", "3", "Replication factor of topics KeyLedger creates (min.insync.replicas 2 when >= 3)"),
  KMS_ENDPOINT("kms.endpoint", null, "One endpoint for KMS and STS (local-kms, a VPC endpoint); unset = real AWS"),
  KMS_ATTEMPT_TIMEOUT("kms.attempt.timeout", "2s", "Bound of one HTTP attempt to KMS/STS"),
  KMS_TOTAL_TIMEOUT("kms.total.timeout", "6s", "Bound of one KMS/STS call, retries included"),
  KMS_MAX_ATTEMPTS("kms.max.attempts", "3", "Attempts per KMS/STS call, the first included"),
  KMS_PLATFORM_PRINCIPAL_ARN("kms.platform.principal.arn", null, "The platform's IAM principal, named in hints"),
  KEYS_BYOK_TTL("keys.byok.ttl", "5m", "How long plaintext keys under a customer's CMK stay in memory (kill-switch delay)"),
  KEYS_PLATFORM_TTL("keys.platform.ttl", "1h", "How long plaintext keys under the platform key stay in memory"),
  WORKERS_SEAL_RETRY("workers.seal.retry", "30s", "How often a sealed tenant's CMK is retried"),
  WORKERS_VALIDATION("workers.validation", "15m", "How often every active tenant's CMK is validated"),
  WORKERS_REWRAP_PERIOD("workers.rewrap.period", "5s", "Period of the rewrap worker"),
  WORKERS_REWRAP_BATCH("workers.rewrap.batch", "100", "DEKs per rewrap batch"),
  USAGE_FLUSH("usage.flush", "5s", "How often data-plane counts are folded into tenant state"),
  AUTH_JWT_SECRET_FILE("auth.jwt.secret.file", null, "HS256 token secret (base64, >= 32 bytes); unset = <data.dir>/secrets/jwt-hs256.key, created on first start"),
  PLATFORM_KEY_FILE("platform.key.file", null, "Platform key file (base64 of 32 bytes); unset = platform.key or <data.dir>/platform.key, created on first start"),
  PLATFORM_KEY("platform.key", null, "Platform key as base64 text (usually KEYLEDGER_PLATFORM_KEY); exclusive with platform.key.file");

  /** Prefix of Kafka client settings, passed through without the prefix. */
  public static final String KAFKA_PREFIX = "kafka.";
  /** Prefix of rate limits, {@code ratelimit.<name>=<n>/<period>}. */
  public static final String RATELIMIT_PREFIX = "ratelimit.";

  private final String key;
  private final String defaultValue;
  private final String description;

  ConfigKey(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String key() {
    return key;
  }

  /** The built-in value, or empty when the key has none (optional, or required like {@code kafka.bootstrap.servers}). */
  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  public String description() {
    return description;
  }

  public static Optional<ConfigKey> byKey(String key) {
    return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
  }

  /** Whether KeyLedger reads {@code key}: a fixed key, a non-empty {@code kafka.*} key or a known rate limit. */
  public static boolean isKnown(String key) {
    if (key.startsWith(KAFKA_PREFIX)) {
      return key.length() > KAFKA_PREFIX.length();
    }
    if (key.startsWith(RATELIMIT_PREFIX)) {
      return RateLimitConfig.defaults().limits().containsKey(key.substring(RATELIMIT_PREFIX.length()));
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
