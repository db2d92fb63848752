package dev.keyledger.application;

import dev.keyledger.engine.domain.EncryptionReservations;
import dev.keyledger.envelope.DekRef;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One instance's reserved encryptions of one DEK of one tenant: the blocks the fold granted, the
 * encryptions taken from them and what was reported. Taking an encryption is a compare-and-set
 * below what was granted, so no encryption is ever made outside a granted block. The block sizes
 * adapt to the rate: the next block is twice the last when the last lasted under {@link
 * #FAST_MILLIS}, half of it when it lasted over {@link #SLOW_MILLIS}, between {@link #MIN_BLOCK}
 * and {@link EncryptionReservations#MAX_BLOCK}; the next one is asked for when half of the last is
 * left. The reservation bookkeeping ({@link #start}, {@link #granted}, {@link #close}) is
 * synchronized; the report bookkeeping is the flush thread's own.
 */
final class ReservedBlocks {

  /** The first block of a DEK on an instance. */
  static final long FIRST_BLOCK = 1024;

  /** The smallest block: what a crash wastes at most per DEK of an idle tenant, twice. */
  static final long MIN_BLOCK = 256;

  /** A block used up faster than this makes the next one twice as large. */
  static final long FAST_MILLIS = 1_000;

  /** A block lasting longer than this makes the next one half as large. */
  static final long SLOW_MILLIS = 30_000;

  final String tenant;
  final DekRef dek;
  private final dev.keyledger.avro.DekRef named;

  private final AtomicLong granted = new AtomicLong();
  private final AtomicLong taken = new AtomicLong();
  private volatile long prefetchBelow;
  private volatile CompletableFuture<Void> inFlight;
  private volatile boolean closed;
  private volatile boolean superseded;

  /** The reporter may have blocks of a run before this one that the fold should count as used. */
  private final boolean settlePrevious;

  private long block = FIRST_BLOCK;
  private long lastStartMillis = -1;

  /** Granted and not taken when closed: given back with the next reports. */
  private long unused;

  /**
   * The flush thread's: taken encryptions reported so far, unused ones given back, idle flushes.
   */
  private long reported;

  private long returned;
  private int idleFlushes;

  /**
   * @param settlePrevious whether the first reservation asks the fold to count what it still has
   *     reserved for this reporter as used (the reporter holds no blocks of the tenant)
   */
  ReservedBlocks(String tenant, dev.keyledger.avro.DekRef named, boolean settlePrevious) {
    this.tenant = tenant;
    this.dek = new DekRef(named.getDekId(), named.getVersion());
    this.named = named;
    this.settlePrevious = settlePrevious;
  }

  /** The DEK as the tenant's state named it when these blocks were made. */
  dev.keyledger.avro.DekRef named() {
    return named;
  }

  /** The tenant encrypts with DEK version {@code newer} here now: older blocks are to be closed. */
  void supersededBy(int newer) {
    if (dek.version() < newer) {
      superseded = true;
    }
  }

  boolean superseded() {
    return superseded;
  }

  /**
   * Takes one encryption from the granted blocks.
   *
   * @return the encryptions left after it, or -1 when none was left
   */
  long tryTake() {
    while (true) {
      long t = taken.get();
      long left = granted.get() - t;
      if (left <= 0) {
        return -1;
      }
      if (taken.compareAndSet(t, t + 1)) {
        return left - 1;
      }
    }
  }

  /** Whether the next block should be asked for now (half of the last is left). */
  boolean wantsNext(long left) {
    return left < prefetchBelow && inFlight == null && !closed;
  }

  boolean closed() {
    return closed;
  }

  /** The reservation in flight, if any. */
  CompletableFuture<Void> inFlight() {
    return inFlight;
  }

  /**
   * Starts the next reservation unless one is in flight or the blocks are closed.
   *
   * @param budgetLeft the DEK's encryptions neither used nor reserved, as the caller last saw them
   * @param nowMillis the time, to adapt the block size
   * @return the block to reserve and whether the fold should settle earlier blocks first, or null
   *     when nothing is to be started (the caller waits for {@link #inFlight()} if set)
   */
  synchronized Request start(long budgetLeft, long nowMillis, CompletableFuture<Void> future) {
    if (inFlight != null || closed) {
      return null;
    }
    if (lastStartMillis >= 0 && granted.get() > 0) {
      long lasted = nowMillis - lastStartMillis;
      if (lasted < FAST_MILLIS) {
        block = Math.min(block * 2, EncryptionReservations.MAX_BLOCK);
      } else if (lasted > SLOW_MILLIS) {
        block = Math.max(block / 2, MIN_BLOCK);
      }
    }
    long n = Math.min(block, budgetLeft);
    if (n <= 0) {
      return null;
    }
    lastStartMillis = nowMillis;
    inFlight = future;
    return new Request(n, settlePrevious && granted.get() == 0);
  }

  /** A reservation to send. */
  record Request(long encryptions, boolean settlePrevious) {}

  /** The fold granted a block: it may be used at once. */
  synchronized void granted(long n) {
    granted.addAndGet(n);
    prefetchBelow = n / 2;
  }

  /** The reservation in flight ended (granted or not). */
  synchronized void ended() {
    inFlight = null;
  }

  /**
   * Closes the blocks if no reservation is in flight: no encryption can be taken afterwards, and
   * what was granted and not taken is to be given back with the next report.
   *
   * @return false when a reservation is in flight (try again later)
   */
  synchronized boolean close() {
    if (inFlight != null) {
      return false;
    }
    closed = true;
    while (true) {
      long t = taken.get();
      long g = granted.get();
      if (taken.compareAndSet(t, g)) {
        unused = g - t;
        return true;
      }
    }
  }

  /** Encryptions taken and not reported yet (flush thread). */
  long unreported() {
    return taken.get() - unused - reported;
  }

  /** Encryptions to give back unused (flush thread; non-zero only once closed). */
  long toReturn() {
    return unused - returned;
  }

  /**
   * A flush reported {@code used} and gave back {@code given} (both 0 when it had nothing to say):
   * the report was written (flush thread).
   */
  void flushed(long used, long given) {
    reported += used;
    returned += given;
    idleFlushes = used == 0 ? idleFlushes + 1 : 0;
  }

  /** Flushes in a row that found nothing used. */
  int idleFlushes() {
    return idleFlushes;
  }

  /** Closed and everything reported: nothing of it is left to say. */
  boolean done() {
    return closed && toReturn() == 0 && unreported() == 0;
  }
}
