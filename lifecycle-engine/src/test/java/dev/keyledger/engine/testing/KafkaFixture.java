package dev.keyledger.engine.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka broker for integration tests: one combined KRaft node in this JVM (ready in ~2 s),
 * pinned to the latest production metadata version. Where a Docker engine exists, Testcontainers
 * could stand in behind the same methods; this machine has none, so the in-process kit is used.
 */
public final class KafkaFixture implements AutoCloseable {

  private final KafkaClusterTestKit cluster;

  private KafkaFixture(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  public static KafkaFixture start() throws Exception {
    return start(null);
  }

  /**
   * @param baseDir where the broker keeps its logs (so a test can scan them), or null for a temp
   *     dir
   */
  public static KafkaFixture start(Path baseDir) throws Exception {
    TestKitNodes.Builder nodes = new TestKitNodes.Builder();
    if (baseDir != null) {
      nodes.setBaseDirectory(baseDir);
    }
    KafkaClusterTestKit cluster =
        new KafkaClusterTestKit.Builder(
                nodes
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION)
                    .build())
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("log.cleaner.backoff.ms", "200")
            .build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return new KafkaFixture(cluster);
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Client settings for this broker. */
  public Map<String, Object> clientProps() {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrapServers());
    return props;
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
