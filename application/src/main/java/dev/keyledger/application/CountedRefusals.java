package dev.keyledger.application;

import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.command.RejectRequest;
import dev.keyledger.engine.workers.CommandSink;
import dev.keyledger.engine.workers.CommandSinkException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refusals of high-volume requests (a rate limit's 429s, data-plane requests of a sealed tenant),
 * audited in the tenant's chain once per flush (every minute) with their count, rather than one
 * event each: a caller cannot flood the audit trail, and each refusal is still accounted for. One
 * entry per tenant, caller, operation and refusal type; counts that fail to send are kept for the
 * next flush.
 */
public final class CountedRefusals {

  /** The audit operation of requests refused by a rate limit. */
  public static final String RATE_LIMIT = "rate_limit";

  private static final Logger LOG = LoggerFactory.getLogger(CountedRefusals.class);

  private record Key(String tenant, String sub, String operation, String type) {}

  private final Map<Key, Counted> refused = new ConcurrentHashMap<>();

  /**
   * How many refusals of one kind, and the last of them. Changed only inside the map's atomic
   * {@code merge} and read after its {@code remove}, so no count is lost between the two.
   */
  private record Counted(long count, Refusal last) {}

  /** Counts one request of {@code sub} for {@code tenant}, doing {@code operation}, refused. */
  public void refused(String tenant, String sub, String operation, Refusal refusal) {
    refused(new Key(tenant, sub, operation, refusal.getType()), 1, refusal);
  }

  private void refused(Key key, long n, Refusal refusal) {
    refused.merge(
        key,
        new Counted(n, refusal),
        (old, one) -> new Counted(old.count() + one.count(), refusal));
  }

  /** Audits every count since the last flush, one {@code RejectRequest} per kind. */
  public void flush(CommandSink sink) {
    for (Key key : List.copyOf(refused.keySet())) {
      Counted counted = refused.remove(key);
      if (counted == null) {
        continue;
      }
      long n = counted.count();
      Refusal last = counted.last();
      RejectRequest rejection =
          RejectRequest.newBuilder()
              .setOperation(key.operation())
              .setRefusal(
                  Refusal.newBuilder(last)
                      .setMessage(
                          n
                              + " request(s) of "
                              + key.sub()
                              + " refused since the last report: "
                              + last.getMessage())
                      .build())
              .build();
      try {
        sink.submit(key.tenant(), rejection, List.of());
      } catch (CommandSinkException e) {
        LOG.warn(
            "refusals of tenant {} not audited, kept for the next flush: {}",
            key.tenant(),
            e.getMessage());
        refused(key, n, last);
      }
    }
  }
}
