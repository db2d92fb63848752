package dev.keyledger.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The checks of existing topics at start, on a real cluster of three brokers and one controller:
 * topics KeyLedger created pass, and each setting that breaks a guarantee stops the start with a
 * message naming the topic, the setting, its value and the fix, before anything is created.
 */
class TopicsAdminIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static KafkaClusterTestKit cluster;
  private static Admin admin;
  private static int prefixes;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(false)
                    .setNumBrokerNodes(3)
                    .setNumControllerNodes(1)
                    .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION)
                    .build())
            .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    admin.close();
    cluster.close();
  }

  @Test
  void topicsKeyLedgerCreatedPassTheirOwnCheckAndCompactKeyMaterialWithinAnHour() throws Exception {
    Topics topics = fresh();
    TopicsAdmin.ensure(admin, topics, production(), TIMEOUT);
    awaitVisible(names(topics));

    TopicsAdmin.ensure(admin, topics, production(), TIMEOUT);

    Config keyMaterial = config(topics.keyMaterial().name());
    assertThat(keyMaterial.get("cleanup.policy").value()).isEqualTo("compact");
    assertThat(keyMaterial.get("max.compaction.lag.ms").value()).isEqualTo("3600000");
    assertThat(keyMaterial.get("segment.ms").value()).isEqualTo("3600000");
    assertThat(keyMaterial.get("min.insync.replicas").value()).isEqualTo("2");
    assertThat(config(topics.events().name()).get("retention.ms").value()).isEqualTo("-1");
    TopicDescription claims =
        admin
            .describeTopics(List.of(topics.claims().name()))
            .allTopicNames()
            .get(30, TimeUnit.SECONDS)
            .get(topics.claims().name());
    assertThat(claims.partitions()).singleElement();
    assertThat(claims.partitions().get(0).replicas()).hasSize(3);
    assertThat(config(topics.claims().name()).get("min.insync.replicas").value()).isEqualTo("2");
    assertThat(
            admin
                .describeTopics(List.of(topics.commands().name()))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topics.commands().name())
                .partitions())
        .hasSize(3);
  }

  @Test
  void aClaimsTopicWithMoreThanOnePartitionStopsTheStart() throws Exception {
    Topics topics = fresh();
    create(topics.claims().name(), 3, Map.of("min.insync.replicas", "2"));

    assertThatThrownBy(() -> TopicsAdmin.ensure(admin, topics, production(), TIMEOUT))
        .hasMessage(
            "topic "
                + topics.claims().name()
                + ": 3 partitions, but the claims must be decided in one place: it must have"
                + " exactly 1 partition. Fix: stop every instance, delete the topic"
                + " (kafka-topics.sh --bootstrap-server <broker> --delete --topic "
                + topics.claims().name()
                + ") and start again: KeyLedger creates it with 1 partition");
  }

  @Test
  void keyMaterialThatIsNotCompactedStopsTheStartNamingTheFixAndNothingIsCreated()
      throws Exception {
    Topics topics = fresh();
    create(topics.keyMaterial().name(), 3, Map.of("cleanup.policy", "delete"));

    assertThatThrownBy(() -> TopicsAdmin.ensure(admin, topics, production(), TIMEOUT))
        .isInstanceOf(MisconfiguredTopicException.class)
        .hasMessageContaining(
            "topic " + topics.keyMaterial().name() + ": cleanup.policy=delete, but key material")
        .hasMessageContaining(
            "kafka-configs.sh --bootstrap-server <broker> --alter --entity-type topics"
                + " --entity-name "
                + topics.keyMaterial().name()
                + " --add-config cleanup.policy=compact");
    assertThat(names()).doesNotContain(topics.events().name(), topics.commands().name());
  }

  @Test
  void keyMaterialWithALongSegmentOrNoMaximumCompactionLagStopsTheStart() throws Exception {
    Topics topics = fresh();
    create(
        topics.keyMaterial().name(),
        3,
        Map.of("cleanup.policy", "compact", "segment.ms", "604800000", "min.insync.replicas", "2"));

    assertThatThrownBy(() -> TopicsAdmin.ensure(admin, topics, production(), TIMEOUT))
        .isInstanceOfSatisfying(
            MisconfiguredTopicException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(2)
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .contains(": segment.ms=604800000, but an erased key stays")
                                .endsWith("--add-config segment.ms=3600000"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .contains(": max.compaction.lag.ms=9223372036854775807")
                                .endsWith("--add-config max.compaction.lag.ms=3600000")));
  }

  @Test
  void anEventLogThatIsCompactedOrDeletedByTimeOrSizeStopsTheStart() throws Exception {
    Topics compacted = fresh();
    create(
        compacted.events().name(),
        3,
        Map.of("cleanup.policy", "compact", "retention.ms", "-1", "min.insync.replicas", "2"));
    Topics timed = fresh();
    create(
        timed.events().name(), 3, Map.of("retention.ms", "604800000", "min.insync.replicas", "2"));
    Topics sized = fresh();
    create(
        sized.events().name(),
        3,
        Map.of("retention.ms", "-1", "retention.bytes", "1073741824", "min.insync.replicas", "2"));

    assertThatThrownBy(() -> TopicsAdmin.ensure(admin, compacted, production(), TIMEOUT))
        .hasMessage(
            "topic "
                + compacted.events().name()
                + ": cleanup.policy=compact, but the event log must never be compacted: every event"
                + " is a link of a tenant's hash chain. Fix: kafka-configs.sh --bootstrap-server"
                + " <broker> --alter --entity-type topics --entity-name "
                + compacted.events().name()
                + " --add-config cleanup.policy=delete");
    assertThatThrownBy(() -> TopicsAdmin.ensure(admin, timed, production(), TIMEOUT))
        .hasMessageContaining(timed.events().name() + ": retention.ms=604800000, but the event log")
        .hasMessageEndingWith("--add-config retention.ms=-1");
    assertThatThrownBy(() -> TopicsAdmin.ensure(admin, sized, production(), TIMEOUT))
        .hasMessageContaining(sized.events().name() + ": retention.bytes=1073741824")
        .hasMessageEndingWith("--add-config retention.bytes=-1");
  }

  @Test
  void minInSyncReplicasBelowTwoWithThreeReplicasStopsTheStartButNotWithOne() throws Exception {
    Topics replicated = fresh();
    create(replicated.commands().name(), 3, Map.of("min.insync.replicas", "1"));
    Topics single = fresh();
    create(single.commands().name(), 1, Map.of("min.insync.replicas", "1"));

    assertThatThrownBy(() -> TopicsAdmin.ensure(admin, replicated, production(), TIMEOUT))
        .hasMessageContaining(
            "topic "
                + replicated.commands().name()
                + ": min.insync.replicas=1, but with 3 replicas it must be at least 2")
        .hasMessageEndingWith("--add-config min.insync.replicas=2");
    TopicsAdmin.ensure(admin, single, new TopicsAdmin.Settings(3, (short) 1, Map.of()), TIMEOUT);
    awaitVisible(names(single));
  }

  @Test
  void aTopicAddedByAnUpgradeGetsThePartitionsOfTheCommandsTopicNotTheSettingClaimsOne()
      throws Exception {
    Topics topics = fresh();
    // 3 partitions, as an older release made it
    create(topics.commands().name(), 3, Map.of("min.insync.replicas", "2"));

    TopicsAdmin.ensure(admin, topics, new TopicsAdmin.Settings(5, (short) 3, Map.of()), TIMEOUT);
    awaitVisible(names(topics));

    assertThat(
            admin
                .describeTopics(List.of(names(topics)))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .values())
        .allSatisfy(
            topic ->
                assertThat(topic.partitions())
                    .as(topic.name())
                    .hasSize(topic.name().equals(topics.claims().name()) ? 1 : 3));
  }

  private static String[] names(Topics topics) {
    return topics.all().stream().map(Topic::name).toArray(String[]::new);
  }

  private static Topics fresh() {
    return new Topics("check" + (++prefixes));
  }

  private static TopicsAdmin.Settings production() {
    return new TopicsAdmin.Settings(3, (short) 3, Map.of());
  }

  private static void create(String name, int replicas, Map<String, String> config)
      throws Exception {
    admin
        .createTopics(List.of(new NewTopic(name, 3, (short) replicas).configs(config)))
        .all()
        .get(30, TimeUnit.SECONDS);
    awaitVisible(name);
  }

  /** Waits until every broker knows the topics (the controller creates them first). */
  private static void awaitVisible(String... topics) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                admin
                            .describeTopics(List.of(topics))
                            .allTopicNames()
                            .get(5, TimeUnit.SECONDS)
                            .size()
                        == topics.length
                    && admin
                            .describeConfigs(
                                List.of(topics).stream()
                                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                                    .toList())
                            .all()
                            .get(5, TimeUnit.SECONDS)
                            .size()
                        == topics.length);
  }

  private static Config config(String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
  }

  private static Set<String> names() throws Exception {
    return admin.listTopics().names().get(30, TimeUnit.SECONDS);
  }
}
