package dev.keyledger.engine.topology;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions every KeyLedger record by its tenant: the key up to the first {@code '/'} (a tenant id
 * never contains one). For a plain tenant-id key this is exactly Kafka's default partition, and
 * key-material records ({@code tenant/...}) land on the same partition number as their tenant, so
 * the instance that owns a tenant's state also holds its wrapped keys.
 */
public final class TenantPartitioner implements Partitioner, StreamPartitioner<String, Object> {

  public static int partition(String key, int numPartitions) {
    int slash = key.indexOf('/');
    String tenant = slash < 0 ? key : key.substring(0, slash);
    return Utils.toPositive(Utils.murmur2(tenant.getBytes(StandardCharsets.UTF_8))) % numPartitions;
  }

  @Override
  public int partition(
      String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
    if (!(key instanceof String tenantKey)) {
      throw new IllegalArgumentException("KeyLedger records are keyed by a tenant id string");
    }
    return partition(tenantKey, cluster.partitionCountForTopic(topic));
  }

  @Override
  public Optional<Set<Integer>> partitions(
      String topic, String key, Object value, int numPartitions) {
    return Optional.of(Set.of(partition(key, numPartitions)));
  }

  @Override
  public void configure(Map<String, ?> configs) {}

  @Override
  public void close() {}
}
