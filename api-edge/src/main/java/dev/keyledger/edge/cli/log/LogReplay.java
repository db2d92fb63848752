package dev.keyledger.edge.cli.log;

import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Rebuilds tenants from the event log as of an instant: each tenant's events in seq order, up to
 * the first one that occurred after the instant (a state is a fold of a prefix of its events). What
 * {@code keyledger replay} does for one tenant and the platform's key; the records of other tenants
 * are skipped by key, undecoded.
 */
public final class LogReplay implements RecordSink {

  private final Predicate<String> tenants;
  private final Instant at;
  private final Map<String, ReplayedTenant> replayed = new ConcurrentHashMap<>();

  /**
   * @param tenants which tenants to rebuild, by id
   * @param at apply only events that occurred at or before this instant; null for all
   */
  public LogReplay(Predicate<String> tenants, Instant at) {
    this.tenants = tenants;
    this.at = at;
  }

  @Override
  public void accept(ConsumerRecord<String, byte[]> record) {
    String tenant = record.key();
    if (tenant == null || !tenants.test(tenant)) {
      return;
    }
    ReplayedTenant replay = replayed.computeIfAbsent(tenant, ReplayedTenant::new);
    if (replay.done()) {
      return;
    }
    try {
      replay.apply(Codecs.EVENTS.decode(record.value()), at);
    } catch (UndecodableRecordException e) {
      replay.undecodable(
          "partition " + record.partition() + " offset " + record.offset() + ": " + e.getMessage());
    }
  }

  /** The tenant as rebuilt; empty when the log holds no record of it. */
  public Optional<ReplayedTenant> tenant(String tenantId) {
    return Optional.ofNullable(replayed.get(tenantId));
  }
}
