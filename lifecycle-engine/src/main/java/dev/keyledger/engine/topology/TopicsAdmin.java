package dev.keyledger.engine.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates KeyLedger's topics when they are missing, with the settings their roles need: the event
 * log kept forever, key material compacted (a tombstone is erasure) with every compaction lag at 1
 * h, the claims in one partition, the rest retained for a while. Topics that exist are not changed
 * but checked ({@link TopicCheck}): a setting that breaks a guarantee stops the start with {@link
 * MisconfiguredTopicException}.
 */
public final class TopicsAdmin {

  /**
   * Topic settings.
   *
   * @param partitions partitions of every topic but the claims (the unit of scale)
   * @param replicationFactor 1 in dev, 3 in production
   * @param keyMaterialOverrides extra settings of the key-material topic (tests shorten compaction
   *     lags)
   */
  public record Settings(
      int partitions, short replicationFactor, Map<String, String> keyMaterialOverrides) {
    /**
     * Dev mode's: 3 partitions on one broker (one instance with one stream thread gains nothing
     * from more, and each partition adds RocksDB stores to open on every start).
     */
    public static Settings dev() {
      return new Settings(3, (short) 1, Map.of());
    }
  }

  private TopicsAdmin() {}

  /**
   * Checks the topics that exist and creates the missing ones.
   *
   * @throws MisconfiguredTopicException if an existing topic has a setting that breaks a guarantee
   *     (every such setting is named, with its fix); nothing is created then
   */
  public static void ensure(Admin admin, Topics topics, Settings settings, Duration timeout)
      throws InterruptedException,
          ExecutionException,
          TimeoutException,
          MisconfiguredTopicException {
    Set<String> existing =
        admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    List<String> present =
        topics.all().stream().map(Topic::name).filter(existing::contains).toList();
    Map<String, TopicDescription> descriptions = check(admin, topics, present, timeout);
    // Tenants are placed by partition, so a topic added by an upgrade gets as many partitions as
    // the commands topic already has, whatever the setting says now. Claims have one partition:
    // they are the one place where tenants are compared with each other.
    TopicDescription commands = descriptions.get(topics.commands().name());
    int partitions = commands == null ? settings.partitions() : commands.partitions().size();
    List<NewTopic> missing = new ArrayList<>();
    for (Topic<?, ?> topic : topics.all()) {
      if (!existing.contains(topic.name())) {
        int count = topic.equals(topics.claims()) ? 1 : partitions;
        missing.add(
            new NewTopic(topic.name(), count, settings.replicationFactor())
                .configs(configOf(topics, topic, settings)));
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    try {
      admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e; // another instance creating the same topics at the same time is fine
      }
    }
  }

  /** The descriptions of the present topics, once their settings are checked. */
  private static Map<String, TopicDescription> check(
      Admin admin, Topics topics, List<String> present, Duration timeout)
      throws InterruptedException,
          ExecutionException,
          TimeoutException,
          MisconfiguredTopicException {
    if (present.isEmpty()) {
      return Map.of();
    }
    Map<String, TopicDescription> descriptions =
        admin
            .describeTopics(present)
            .allTopicNames()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Map<ConfigResource, Config> configs =
        admin
            .describeConfigs(
                present.stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                    .toList())
            .all()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Map<String, Config> byName = new HashMap<>();
    configs.forEach((resource, config) -> byName.put(resource.name(), config));
    List<String> problems = new TopicCheck(topics).problems(descriptions.values(), byName);
    if (!problems.isEmpty()) {
      throw new MisconfiguredTopicException(problems);
    }
    return descriptions;
  }

  private static Map<String, String> configOf(Topics topics, Topic<?, ?> topic, Settings settings) {
    if (topic.equals(topics.events())) {
      return Map.of(
          TopicConfig.RETENTION_MS_CONFIG,
          "-1",
          TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
          minIsr(settings));
    }
    if (topic.equals(topics.keyMaterial())) {
      Map<String, String> config =
          new HashMap<>(
              Map.of(
                  TopicConfig.CLEANUP_POLICY_CONFIG,
                  TopicConfig.CLEANUP_POLICY_COMPACT,
                  TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                  minIsr(settings),
                  // Erasure must not wait on the default 24 h tombstone retention or an idle
                  // segment.
                  TopicConfig.DELETE_RETENTION_MS_CONFIG,
                  "3600000",
                  TopicConfig.SEGMENT_MS_CONFIG,
                  "3600000",
                  // Without a maximum lag a quiet topic never reaches the cleaner's dirty ratio.
                  TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG,
                  "3600000"));
      config.putAll(settings.keyMaterialOverrides());
      return config;
    }
    if (topic.equals(topics.outcomes())) {
      return Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(1).toMillis()));
    }
    return Map.of(
        TopicConfig.RETENTION_MS_CONFIG,
        Long.toString(Duration.ofDays(30).toMillis()),
        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
        minIsr(settings));
  }

  private static String minIsr(Settings settings) {
    return settings.replicationFactor() >= 3 ? "2" : "1";
  }
}
