package dev.keyledger.application;

import dev.keyledger.avro.command.RejectRequest;
import dev.keyledger.engine.domain.RefusalKind;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.workers.CommandSink;
import dev.keyledger.engine.workers.CommandSinkException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests refused by a rate limit, audited in the tenant's chain once per flush (every minute)
 * with their count, rather than one event each: a caller over its limit cannot flood the audit
 * trail, and each refusal is still accounted for. Counts that fail to send are kept for the next
 * flush.
 */
public final class RateLimitAudit {

  /** The audit operation of the counted refusals. */
  public static final String OPERATION = "rate_limit";

  private static final Logger LOG = LoggerFactory.getLogger(RateLimitAudit.class);

  private record Key(String tenant, String sub, String limit) {}

  private final Map<Key, AtomicLong> refused = new ConcurrentHashMap<>();

  /**
   * Counts one request of {@code sub} for {@code tenant} refused by the limit named {@code limit}.
   */
  public void refused(String tenant, String sub, String limit) {
    refused.computeIfAbsent(new Key(tenant, sub, limit), k -> new AtomicLong()).incrementAndGet();
  }

  /**
   * Audits every count since the last flush, one {@code RejectRequest} per tenant, sub and limit.
   */
  public void flush(CommandSink sink) {
    refused.forEach(
        (key, count) -> {
          long n = count.getAndSet(0);
          if (n == 0) {
            return;
          }
          RejectRequest rejection =
              RejectRequest.newBuilder()
                  .setOperation(OPERATION)
                  .setRefusal(
                      Refusals.of(
                          "rate_limit_exceeded",
                          "RATE_LIMIT_EXCEEDED",
                          RefusalKind.UNAVAILABLE,
                          n
                              + " request(s) of "
                              + key.sub()
                              + " refused by the "
                              + key.limit()
                              + " rate limit since the last report",
                          null))
                  .build();
          try {
            sink.submit(key.tenant(), rejection, List.of());
          } catch (CommandSinkException e) {
            LOG.warn(
                "rate-limit refusals of tenant {} not audited, kept for the next flush: {}",
                key.tenant(),
                e.getMessage());
            count.addAndGet(n);
          }
        });
    refused.values().removeIf(c -> c.get() == 0);
  }
}
