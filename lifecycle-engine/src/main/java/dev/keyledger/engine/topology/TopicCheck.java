package dev.keyledger.engine.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;

/**
 * What an existing topic must have for KeyLedger's guarantees, checked against its effective
 * settings (topic overrides and broker defaults alike):
 *
 * <ul>
 *   <li>key material: {@code cleanup.policy=compact} exactly (a tombstone is how a key is erased;
 *       {@code delete} would drop keys still in use), and the erasure bound short: {@code
 *       segment.ms}, {@code max.compaction.lag.ms}, {@code min.compaction.lag.ms} and {@code
 *       delete.retention.ms} each at most {@link #ERASURE_BOUND} (an open segment is never
 *       compacted, and without a maximum lag a quiet topic is never compacted at all);
 *   <li>the event log: {@code cleanup.policy=delete} and never deleted by time or size ({@code
 *       retention.ms=-1}, {@code retention.bytes=-1}): the log is the database and the audit trail;
 *   <li>the claims: exactly one partition (every claim on a resource is decided in one place; with
 *       more, two tenants could be granted one key at once);
 *   <li>where a topic has 3 or more replicas: {@code min.insync.replicas} at least 2 (every topic
 *       but the outcomes, which are answers, not records).
 * </ul>
 */
final class TopicCheck {

  /** The longest each erasure-related setting of the key-material topic may be. */
  static final Duration ERASURE_BOUND = Duration.ofDays(1);

  private final Topics topics;
  private final List<String> problems = new ArrayList<>();

  TopicCheck(Topics topics) {
    this.topics = topics;
  }

  /**
   * @param descriptions the existing KeyLedger topics
   * @param configs their effective settings, by topic name
   * @return one line per wrong setting; empty when every topic is right
   */
  List<String> problems(Collection<TopicDescription> descriptions, Map<String, Config> configs) {
    for (TopicDescription topic : descriptions) {
      Config config = configs.get(topic.name());
      if (config == null) {
        continue;
      }
      int replicas = topic.partitions().isEmpty() ? 0 : topic.partitions().get(0).replicas().size();
      if (topic.name().equals(topics.keyMaterial().name())) {
        keyMaterial(topic.name(), config);
      }
      if (topic.name().equals(topics.events().name())) {
        eventLog(topic.name(), config);
      }
      if (topic.name().equals(topics.claims().name()) && topic.partitions().size() != 1) {
        problems.add(
            "topic "
                + topic.name()
                + ": "
                + topic.partitions().size()
                + " partitions, but the claims must be decided in one place: it must have exactly"
                + " 1 partition. Fix: stop every instance, delete the topic (kafka-topics.sh"
                + " --bootstrap-server <broker> --delete --topic "
                + topic.name()
                + ") and start again: KeyLedger creates it with 1 partition");
      }
      if (replicas >= 3 && !topic.name().equals(topics.outcomes().name())) {
        long minIsr = number(config, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        if (minIsr < 2) {
          problems.add(
              problem(
                  topic.name(),
                  TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                  Long.toString(minIsr),
                  "with "
                      + replicas
                      + " replicas it must be at least 2, or an acknowledged write can be lost with"
                      + " one broker",
                  TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG + "=2"));
        }
      }
    }
    return List.copyOf(problems);
  }

  private void keyMaterial(String name, Config config) {
    String policy = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
    if (!TopicConfig.CLEANUP_POLICY_COMPACT.equals(policy)) {
      problems.add(
          problem(
              name,
              TopicConfig.CLEANUP_POLICY_CONFIG,
              policy,
              "key material must be compacted, and only compacted: a tombstone is how a key is"
                  + " erased, and deletion by age would drop keys still in use",
              TopicConfig.CLEANUP_POLICY_CONFIG + "=compact"));
    }
    for (String setting :
        List.of(
            TopicConfig.SEGMENT_MS_CONFIG,
            TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG,
            TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
            TopicConfig.DELETE_RETENTION_MS_CONFIG)) {
      long ms = number(config, setting);
      if (ms < 0 || ms > ERASURE_BOUND.toMillis()) {
        problems.add(
            problem(
                name,
                setting,
                Long.toString(ms),
                "an erased key stays in the topic until compaction removes it; this must be at most"
                    + " 1 day ("
                    + ERASURE_BOUND.toMillis()
                    + ")",
                setting + "=3600000"));
      }
    }
  }

  private void eventLog(String name, Config config) {
    String policy = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
    if (!TopicConfig.CLEANUP_POLICY_DELETE.equals(policy)) {
      problems.add(
          problem(
              name,
              TopicConfig.CLEANUP_POLICY_CONFIG,
              policy,
              "the event log must never be compacted: every event is a link of a tenant's hash chain",
              TopicConfig.CLEANUP_POLICY_CONFIG + "=delete"));
    }
    for (String setting :
        List.of(TopicConfig.RETENTION_MS_CONFIG, TopicConfig.RETENTION_BYTES_CONFIG)) {
      long limit = number(config, setting);
      if (limit != -1) {
        problems.add(
            problem(
                name,
                setting,
                Long.toString(limit),
                "the event log must be kept forever (it is the database and the audit trail)",
                setting + "=-1"));
      }
    }
  }

  private static String problem(
      String topic, String setting, String value, String why, String fixed) {
    return "topic "
        + topic
        + ": "
        + setting
        + "="
        + value
        + ", but "
        + why
        + ". Fix: kafka-configs.sh --bootstrap-server <broker> --alter --entity-type topics"
        + " --entity-name "
        + topic
        + " --add-config "
        + fixed;
  }

  private static String value(Config config, String name) {
    ConfigEntry entry = config.get(name);
    return entry == null || entry.value() == null ? "(unset)" : entry.value();
  }

  private static long number(Config config, String name) {
    String v = value(config, name);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
  }
}
