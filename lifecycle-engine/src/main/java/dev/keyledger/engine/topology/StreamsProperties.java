package dev.keyledger.engine.topology;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams settings KeyLedger runs with, in one place, so that the node and the topology
 * tests build the same topology: {@code Topology.build(props)} applies the optimizations the
 * erasure depends on only when they are in the properties.
 */
public final class StreamsProperties {

  private StreamsProperties() {}

  /**
   * The production Streams properties. Precedence, lowest first:
   *
   * <ol>
   *   <li>defaults the operator may override: {@code commit.interval.ms} 100 (outcomes reach the
   *       edge quickly), {@code statestore.cache.max.bytes} 10 MiB (the record cache of the fold's
   *       and the tenant view's stores: a tenant's several writes within one commit reach the
   *       changelog once), and a main consumer {@code session.timeout.ms} of 6 s (the broker's
   *       minimum by default) with heartbeats every second (a static member that dies is replaced
   *       after the session timeout, so this bounds failover);
   *   <li>{@code kafka}, the operator's Kafka client settings (at least {@code bootstrap.servers});
   *   <li>settings KeyLedger depends on, which nothing overrides: the application id and state
   *       directory, {@code exactly_once_v2}, {@code application.server} (for interactive queries
   *       and forwarding), the replication factor of internal topics, the optimization {@code
   *       reuse.ktable.source.topics} (the key-material table has no changelog, so a tombstone plus
   *       compaction is a complete erasure), the {@link PartitionAffineAssignor} (all tasks of a
   *       partition on one instance, so one instance owns everything about a tenant) and static
   *       membership of the main consumer as {@code keyledger-<instanceId>}.
   * </ol>
   *
   * @param kafka Kafka client settings given by the operator
   * @param applicationId Streams application id (consumer group and internal topic prefix)
   * @param stateDir the Streams state directory itself (RocksDB stores live under it)
   * @param applicationServer {@code host:port} of this instance's HTTP edge
   * @param replicationFactor replication factor of the internal topics (1 in dev, 3 in production)
   * @param instanceId this instance's stable id; restarts with the same id keep their group
   *     membership
   */
  public static Properties of(
      Map<String, ?> kafka,
      String applicationId,
      Path stateDir,
      String applicationServer,
      int replicationFactor,
      String instanceId) {
    Properties props = new Properties();
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 10 * 1024 * 1024L);
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
    props.putAll(kafka); // Kafka settings given by the operator override the defaults above
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
    props.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.REUSE_KTABLE_SOURCE_TOPICS);
    props.put(StreamsConfig.TASK_ASSIGNOR_CLASS_CONFIG, PartitionAffineAssignor.class.getName());
    // Static membership: a restarted instance (even after kill -9) takes its own place in the group
    // at
    // once instead of waiting for the broker to time the old member out.
    props.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
        "keyledger-" + instanceId);
    return props;
  }
}
