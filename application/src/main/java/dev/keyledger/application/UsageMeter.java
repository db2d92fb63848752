package dev.keyledger.application;

import dev.keyledger.avro.DekUsage;
import dev.keyledger.avro.command.RecordUsage;
import dev.keyledger.engine.workers.CommandSink;
import dev.keyledger.engine.workers.CommandSinkException;
import dev.keyledger.envelope.DekRef;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts data-plane operations in memory and reports them in batches ({@code RecordUsage}, one per
 * tenant per flush), so {@code encryption_count}, {@code decryption_count} and {@code last_used}
 * reach the folded state without one command per operation, with the requests that failed (they
 * feed the Encryption failures alert). Counts that were not written are kept for the next flush; a
 * report that was written but not decided in time is not sent again (the fold counts it).
 */
public final class UsageMeter {

  private static final Logger LOG = LoggerFactory.getLogger(UsageMeter.class);

  private final Clock clock;
  private final String reporter;
  private final Map<String, TenantUsage> tenants = new ConcurrentHashMap<>();

  public UsageMeter(Clock clock, String reporter) {
    this.clock = clock;
    this.reporter = reporter;
  }

  private static final class TenantUsage {
    final AtomicLong decryptions = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final Map<DekRef, AtomicLong> encryptionsByDek = new ConcurrentHashMap<>();
    final AtomicReference<Instant> lastUsed = new AtomicReference<>();
  }

  /** Counts one encryption with a DEK; returns the encryptions of that DEK not yet reported. */
  public long encrypted(String tenantId, DekRef dek) {
    return encrypted(tenantId, dek, 1);
  }

  /** Counts {@code n} encryptions with a DEK (a block leased to a client counts up front). */
  public long encrypted(String tenantId, DekRef dek, long n) {
    TenantUsage usage = usage(tenantId);
    return usage.encryptionsByDek.computeIfAbsent(dek, k -> new AtomicLong()).addAndGet(n);
  }

  public void decrypted(String tenantId) {
    usage(tenantId).decryptions.incrementAndGet();
  }

  /** Counts one data-plane request of a tenant with keys that failed (for the failures alert). */
  public void failed(String tenantId) {
    usage(tenantId).failures.incrementAndGet();
  }

  /** Encryptions of a DEK counted here and not yet reported. */
  public long pending(String tenantId, DekRef dek) {
    TenantUsage usage = tenants.get(tenantId);
    AtomicLong count = usage == null ? null : usage.encryptionsByDek.get(dek);
    return count == null ? 0 : count.get();
  }

  /** Sends every tenant's counts since the last flush. */
  public void flush(CommandSink sink) {
    tenants.forEach(
        (tenant, usage) -> {
          long decryptions = usage.decryptions.getAndSet(0);
          long failures = usage.failures.getAndSet(0);
          List<DekUsage> perDek = new ArrayList<>();
          long encryptions = 0;
          for (Map.Entry<DekRef, AtomicLong> e : usage.encryptionsByDek.entrySet()) {
            long n = e.getValue().getAndSet(0);
            if (n > 0) {
              perDek.add(
                  DekUsage.newBuilder()
                      .setDekId(e.getKey().id())
                      .setVersion(e.getKey().version())
                      .setEncryptions(n)
                      .build());
              encryptions += n;
            }
          }
          Instant last = usage.lastUsed.get();
          if (encryptions == 0 && decryptions == 0 && failures == 0 || last == null) {
            return;
          }
          RecordUsage record =
              RecordUsage.newBuilder()
                  .setEncryptions(encryptions)
                  .setDecryptions(decryptions)
                  .setFailures(failures)
                  .setLastUsed(last.truncatedTo(ChronoUnit.MILLIS))
                  .setPerDek(perDek)
                  .setReporter(reporter)
                  .build();
          try {
            sink.submit(tenant, record, List.of());
          } catch (CommandSinkException e) {
            if (e.written()) {
              // Written, only not decided yet: the fold counts it, so sending it again would
              // count it twice.
              LOG.warn("usage report of tenant {} not decided yet: {}", tenant, e.getMessage());
              return;
            }
            LOG.warn(
                "usage of tenant {} not reported, kept for the next flush: {}",
                tenant,
                e.getMessage());
            usage.decryptions.addAndGet(decryptions);
            usage.failures.addAndGet(failures);
            perDek.forEach(
                d ->
                    usage
                        .encryptionsByDek
                        .computeIfAbsent(
                            new DekRef(d.getDekId(), d.getVersion()), k -> new AtomicLong())
                        .addAndGet(d.getEncryptions()));
          }
        });
  }

  private TenantUsage usage(String tenantId) {
    TenantUsage usage = tenants.computeIfAbsent(tenantId, t -> new TenantUsage());
    usage.lastUsed.set(clock.instant());
    return usage;
  }
}
