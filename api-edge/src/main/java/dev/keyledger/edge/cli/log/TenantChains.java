package dev.keyledger.edge.cli.log;

import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.projections.ChainReport;
import dev.keyledger.projections.ChainWalk;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The hash chain of every tenant whose records it is given (the projections' {@link ChainWalk}, one
 * per tenant): what {@code keyledger audit verify} checks. Records are grouped by their key, the
 * tenant id; a record that does not decode breaks its tenant's chain where it stands.
 */
public final class TenantChains implements RecordSink {

  /** The group of records that have no key (the fold never writes one). */
  static final String NO_KEY = "(records without a key)";

  private final Predicate<String> tenants;
  private final Map<String, ChainWalk> walks = new ConcurrentHashMap<>();

  /**
   * @param tenants which tenants to check, by id; the records of others are not decoded
   */
  public TenantChains(Predicate<String> tenants) {
    this.tenants = tenants;
  }

  @Override
  public void accept(ConsumerRecord<String, byte[]> record) {
    String tenant = record.key() == null ? NO_KEY : record.key();
    if (!tenants.test(tenant)) {
      return;
    }
    ChainWalk walk = walks.computeIfAbsent(tenant, t -> new ChainWalk());
    if (!walk.intact()) {
      return;
    }
    EventEnvelope event;
    try {
      event = Codecs.EVENTS.decode(record.value());
    } catch (UndecodableRecordException e) {
      walk.undecodable(
          "partition " + record.partition() + " offset " + record.offset() + ": " + e.getMessage());
      return;
    }
    walk.accept(event);
  }

  /** Each tenant's chain as far as it was read, by tenant id. */
  public SortedMap<String, ChainReport> reports() {
    SortedMap<String, ChainReport> reports = new TreeMap<>();
    walks.forEach((tenant, walk) -> reports.put(tenant, walk.report()));
    return reports;
  }
}
