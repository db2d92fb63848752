package dev.keyledger.application;

import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.DekUsage;
import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.command.RecordUsage;
import dev.keyledger.avro.command.ReserveEncryptions;
import dev.keyledger.engine.domain.RefusalKind;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.workers.CommandSink;
import dev.keyledger.engine.workers.CommandSinkException;
import dev.keyledger.envelope.DekRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-plane usage of this instance. Encryptions are reserved before they are made: the instance
 * encrypts with a DEK only within blocks of the DEK's budget that the fold has reserved for it
 * ({@code ReserveEncryptions}, sized by {@link ReservedBlocks}), asks for the next block when half
 * of the last is left, so steady-state encryptions never wait for the fold; only the first one of a
 * DEK on an instance waits for its first block, at most {@code wait}, and is then answered 503 with
 * {@code Retry-After}. A crash leaves the blocks reserved, so the fold's used + reserved is never
 * below what was encrypted.
 *
 * <p>Counts are reported in batches ({@code RecordUsage}, one per tenant per flush): the
 * encryptions of each DEK move from reserved to used, with decryptions, {@code last_used} and the
 * requests that failed (they feed the Encryption failures alert). A DEK's blocks are given back
 * unused with the report once the DEK stopped being the one this instance encrypts with, after
 * {@link #IDLE_FLUSHES} flushes without an encryption, and at clean shutdown ({@link
 * #returnUnused}). The first block of a DEK when the instance holds none of the tenant's asks the
 * fold to count whatever it still has reserved for this reporter (a run that crashed) as used.
 * Counts that were not written are kept for the next flush; a report that was written but not
 * decided in time is not sent again (the fold counts it).
 */
public final class UsageMeter {

  private static final Logger LOG = LoggerFactory.getLogger(UsageMeter.class);

  /** Flushes in a row without an encryption after which a DEK's blocks are given back. */
  static final int IDLE_FLUSHES = 12;

  /** Rounds one encryption may take (each waits for a block at most once) before it gives up. */
  private static final int MAX_ROUNDS = 4;

  private final Clock clock;
  private final String reporter;
  private final CommandSink sink;
  private final Executor reservations;
  private final Duration wait;
  private final Map<String, TenantUsage> tenants = new ConcurrentHashMap<>();

  /**
   * @param reporter this instance's stable id (the same across restarts of its data dir)
   * @param sink where reservations and reports go, as the engine
   * @param reservations sends the reservations of next blocks, off the request threads
   * @param wait how long an encryption waits for a block at most
   */
  public UsageMeter(
      Clock clock, String reporter, CommandSink sink, Executor reservations, Duration wait) {
    this.clock = clock;
    this.reporter = reporter;
    this.sink = sink;
    this.reservations = reservations;
    this.wait = wait;
  }

  private static final class TenantUsage {
    final AtomicLong decryptions = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final Map<DekRef, ReservedBlocks> blocks = new ConcurrentHashMap<>();
    final Queue<ReservedBlocks> closing = new ConcurrentLinkedQueue<>();
    final AtomicReference<Instant> lastUsed = new AtomicReference<>();
  }

  /**
   * Takes one encryption of the DEK from this instance's reserved blocks, reserving a block through
   * the fold first when none is left (the caller encrypts only when this returns true).
   *
   * @param active the tenant's active DEK
   * @param budgetLeft the DEK's encryptions neither used nor reserved, as the caller's view of the
   *     folded state says
   * @return false when no block is left here and the DEK's budget is spent: it must be rotated
   * @throws Stop unavailable when the fold refused the block or did not grant it within the wait
   */
  boolean takeEncryption(String tenantId, dev.keyledger.avro.DekRef active, long budgetLeft) {
    TenantUsage usage = usage(tenantId);
    for (int round = 0; round < MAX_ROUNDS; round++) {
      ReservedBlocks blocks = blocks(usage, tenantId, active);
      long left = blocks.tryTake();
      if (left >= 0) {
        if (blocks.wantsNext(left)) {
          reserve(blocks, budgetLeft, false);
        }
        return true;
      }
      if (blocks.closed()) {
        continue; // given back just now: the next round takes fresh blocks
      }
      CompletableFuture<Void> granted = reserve(blocks, budgetLeft, true);
      if (granted == null) {
        if (budgetLeft <= 0) {
          return false;
        }
        continue;
      }
      await(granted);
    }
    throw Stop.unavailable(notReserved("other requests took the reserved blocks first"), 1);
  }

  public void decrypted(String tenantId) {
    usage(tenantId).decryptions.incrementAndGet();
  }

  /** Counts one data-plane request of a tenant with keys that failed (for the failures alert). */
  public void failed(String tenantId) {
    usage(tenantId).failures.incrementAndGet();
  }

  /** Sends every tenant's counts since the last flush, giving back the blocks no longer used. */
  public void flush() {
    tenants.forEach((tenant, usage) -> flush(tenant, usage, false));
  }

  /**
   * At clean shutdown, once no request encrypts any more and no reservation is in flight: reports
   * the last counts and gives back every block's unused encryptions.
   */
  public void returnUnused() {
    tenants.forEach((tenant, usage) -> flush(tenant, usage, true));
  }

  /** The blocks of the DEK, new ones when there are none (or they were just given back). */
  private ReservedBlocks blocks(
      TenantUsage usage, String tenantId, dev.keyledger.avro.DekRef active) {
    DekRef dek = new DekRef(active.getDekId(), active.getVersion());
    ReservedBlocks blocks = usage.blocks.get(dek);
    if (blocks != null && !blocks.closed()) {
      return blocks;
    }
    synchronized (usage) {
      blocks = usage.blocks.get(dek);
      if (blocks != null && !blocks.closed()) {
        return blocks;
      }
      boolean holdsNone = usage.blocks.isEmpty() && usage.closing.isEmpty();
      ReservedBlocks fresh = new ReservedBlocks(tenantId, active, holdsNone);
      // A newer DEK is in use: the older ones' blocks are given back with the next report.
      usage.blocks.values().forEach(b -> b.supersededBy(dek.version()));
      usage.blocks.put(dek, fresh);
      return fresh;
    }
  }

  /**
   * Starts a reservation of the next block unless one is in flight.
   *
   * @param here whether to send it on this thread (which waits for it anyway) instead of the
   *     reservations executor
   * @return the reservation in flight, or null when none is (the budget is spent, or the blocks
   *     were closed)
   */
  private CompletableFuture<Void> reserve(ReservedBlocks blocks, long budgetLeft, boolean here) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    ReservedBlocks.Request request = blocks.start(budgetLeft, clock.millis(), future);
    if (request == null) {
      return blocks.inFlight();
    }
    if (here) {
      send(blocks, request, future);
      return future;
    }
    try {
      reservations.execute(() -> send(blocks, request, future));
    } catch (RejectedExecutionException e) {
      blocks.ended();
      future.completeExceptionally(Stop.unavailable(notReserved("the instance is stopping"), 1));
    }
    return future;
  }

  private void send(
      ReservedBlocks blocks, ReservedBlocks.Request request, CompletableFuture<Void> future) {
    Stop failure = null;
    try {
      CommandOutcome outcome =
          sink.submit(
              blocks.tenant,
              ReserveEncryptions.newBuilder()
                  .setDek(blocks.named())
                  .setEncryptions(request.encryptions())
                  .setReporter(reporter)
                  .setSettlePrevious(request.settlePrevious())
                  .build(),
              List.of());
      if (outcome.getAccepted()) {
        blocks.granted(request.encryptions());
      } else {
        failure = Stop.unavailable(outcome.getRefusal(), 1);
      }
    } catch (CommandSinkException e) {
      LOG.warn(
          "encryptions of DEK {} of tenant {} not reserved: {}",
          blocks.dek.id(),
          blocks.tenant,
          e.getMessage());
      failure = Stop.unavailable(notReserved(e.getMessage()), 1);
    } catch (RuntimeException e) {
      LOG.error("reserving encryptions of tenant {} failed", blocks.tenant, e);
      failure = Stop.unavailable(notReserved("the reservation failed"), 1);
    } finally {
      blocks.ended();
    }
    if (failure == null) {
      future.complete(null);
    } else {
      future.completeExceptionally(failure);
    }
  }

  private void await(CompletableFuture<Void> granted) {
    try {
      granted.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Stop stop) {
        throw stop;
      }
      throw Stop.unavailable(notReserved("the reservation failed"), 1);
    } catch (TimeoutException e) {
      throw Stop.unavailable(notReserved("the fold did not answer within " + wait), 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Stop.unavailable(notReserved("interrupted"), 1);
    }
  }

  private static Refusal notReserved(String why) {
    return Refusals.of(
        "budget_unavailable",
        null,
        RefusalKind.UNAVAILABLE,
        "Encryptions with the active DEK could not be reserved in time (" + why + ")",
        "Retry after 1 s.");
  }

  private void flush(String tenant, TenantUsage usage, boolean closeAll) {
    closeUnused(usage, closeAll);
    long decryptions = usage.decryptions.getAndSet(0);
    long failures = usage.failures.getAndSet(0);
    List<DekUsage> perDek = new ArrayList<>();
    List<Runnable> written = new ArrayList<>();
    long encryptions = 0;
    for (ReservedBlocks blocks :
        Stream.concat(usage.blocks.values().stream(), usage.closing.stream()).toList()) {
      long used = blocks.unreported();
      long given = blocks.toReturn();
      if (used > 0 || given > 0) {
        perDek.add(
            DekUsage.newBuilder()
                .setDekId(blocks.dek.id())
                .setVersion(blocks.dek.version())
                .setEncryptions(used)
                .setReturned(given)
                .build());
        encryptions += used;
      }
      written.add(() -> blocks.flushed(used, given));
    }
    Instant last = usage.lastUsed.get();
    if (perDek.isEmpty() && decryptions == 0 && failures == 0 || last == null) {
      forget(usage, written);
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
      forget(usage, written);
    } catch (CommandSinkException e) {
      if (e.written()) {
        // Written, only not decided yet: the fold counts it, so sending it again would count it
        // twice.
        LOG.warn("usage report of tenant {} not decided yet: {}", tenant, e.getMessage());
        forget(usage, written);
        return;
      }
      LOG.warn(
          "usage of tenant {} not reported, kept for the next flush: {}", tenant, e.getMessage());
      usage.decryptions.addAndGet(decryptions);
      usage.failures.addAndGet(failures);
    }
  }

  /** Closes the blocks this instance no longer encrypts with (all of them at shutdown). */
  private static void closeUnused(TenantUsage usage, boolean closeAll) {
    synchronized (usage) {
      for (ReservedBlocks blocks : List.copyOf(usage.blocks.values())) {
        boolean unused = closeAll || blocks.superseded() || blocks.idleFlushes() >= IDLE_FLUSHES;
        if (unused && blocks.close()) {
          usage.closing.add(blocks);
          usage.blocks.remove(blocks.dek, blocks);
        }
      }
    }
  }

  /** The report was written: its counts are no longer this instance's to send. */
  private static void forget(TenantUsage usage, List<Runnable> written) {
    written.forEach(Runnable::run);
    usage.closing.removeIf(ReservedBlocks::done);
  }

  private TenantUsage usage(String tenantId) {
    TenantUsage usage = tenants.computeIfAbsent(tenantId, t -> new TenantUsage());
    usage.lastUsed.set(clock.instant());
    return usage;
  }
}
