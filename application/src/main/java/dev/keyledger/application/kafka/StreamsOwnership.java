package dev.keyledger.application.kafka;

import dev.keyledger.application.TenantOwner;
import dev.keyledger.application.TenantOwnership;
import dev.keyledger.engine.topology.TenantPartitioner;
import dev.keyledger.engine.topology.Topics;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;

/**
 * {@link TenantOwnership} from Kafka Streams metadata: the active host of the tenant's partition of
 * the fold's store ({@code queryMetadataForKey} with the {@link TenantPartitioner}). The
 * partition-affine assignor keeps every other store of that partition on the same instance.
 */
public final class StreamsOwnership implements TenantOwnership {

  private static final int RETRY_AFTER_SECONDS = 1;

  private static final StreamPartitioner<String, Object> PARTITIONER =
      new TenantPartitioner()::partitions;

  private final KafkaStreams streams;
  private final HostInfo self;

  /**
   * @param self this instance's {@code application.server}
   */
  public StreamsOwnership(KafkaStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
  }

  @Override
  public TenantOwner ownerOf(String tenantId) {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
      return new TenantOwner.Unavailable(
          "this instance is " + state.name().toLowerCase(), RETRY_AFTER_SECONDS);
    }
    KeyQueryMetadata owner;
    try {
      owner = streams.queryMetadataForKey(Topics.TENANT_STATE_STORE, tenantId, PARTITIONER);
    } catch (IllegalStateException e) {
      // the client stopped between the state check and the lookup
      return new TenantOwner.Unavailable("this instance is stopping", RETRY_AFTER_SECONDS);
    }
    if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      return new TenantOwner.Unavailable(
          "the cluster metadata is not known yet (rebalancing)", RETRY_AFTER_SECONDS);
    }
    HostInfo active = owner.activeHost();
    if (active.equals(HostInfo.unavailable())) {
      return new TenantOwner.NotFound(
          "partition " + owner.partition() + " has no active instance now (being reassigned)");
    }
    if (active.equals(self)) {
      return new TenantOwner.Local();
    }
    return new TenantOwner.Remote(active.host(), active.port());
  }
}
