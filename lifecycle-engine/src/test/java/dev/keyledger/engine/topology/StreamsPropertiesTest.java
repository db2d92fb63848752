package dev.keyledger.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsPropertiesTest {

  @Test
  void theOperatorOverridesTheDefaultsButNotWhatKeyLedgerDependsOn() {
    Properties props =
        StreamsProperties.of(
            Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
                "broker:9092",
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                500,
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                StreamsConfig.AT_LEAST_ONCE,
                StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG,
                StreamsConfig.NO_OPTIMIZATION),
            "keyledger",
            Path.of("/data/streams"),
            "node-1:8080",
            3,
            "node-1");
    assertThat(props)
        .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500)
        .containsEntry(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 10 * 1024 * 1024L)
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "keyledger")
        .containsEntry(StreamsConfig.STATE_DIR_CONFIG, Path.of("/data/streams").toString())
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .containsEntry(StreamsConfig.APPLICATION_SERVER_CONFIG, "node-1:8080")
        .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3)
        .containsEntry(
            StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.REUSE_KTABLE_SOURCE_TOPICS)
        .containsEntry("main.consumer.group.instance.id", "keyledger-node-1")
        .containsEntry(
            StreamsConfig.TASK_ASSIGNOR_CLASS_CONFIG, PartitionAffineAssignor.class.getName())
        .containsEntry("main.consumer.session.timeout.ms", 6_000)
        .containsEntry("main.consumer.heartbeat.interval.ms", 1_000)
        .hasSize(13);
  }
}
