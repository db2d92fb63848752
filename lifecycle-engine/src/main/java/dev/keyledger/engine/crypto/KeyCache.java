package dev.keyledger.engine.crypto;

import dev.keyledger.envelope.SecretBytes;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * In-memory cache of plaintext keys (unwrapped TMKs and DEKs) with a per-entry TTL, single-flight
 * loading and zeroing of every key it lets go.
 *
 * <h2>Why a callback, not {@code get}</h2>
 *
 * Keys are used only inside {@link #withKey}: the cache leases the entry to the callback and
 * destroys the key only after the last lease ends. A plain {@code get} could hand out a key that
 * expiry or an erasure event destroys while the caller is still encrypting with it; handing out
 * copies instead would scatter unzeroed keys the cache can no longer erase. With leases, an
 * invalidated or expired key is never given to a <em>new</em> caller, a caller already inside its
 * callback finishes normally, and then the bytes are zeroed. The callback must not keep the {@link
 * SecretBytes} (or a {@link DataAead} over it) after it returns: it will be destroyed.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>TTL</b>, chosen by the caller per load ({@link #DEFAULT_BYOK_TTL} when BYOK is active,
 *       {@link #DEFAULT_PLATFORM_TTL} otherwise; both configurable by the caller). Expiry is
 *       checked on every read against the injected {@link Clock}: an entry at or past its expiry is
 *       never served, whether or not {@link #evictExpired()} ever ran.
 *   <li><b>Single flight</b>: concurrent misses for one key share one call of the loader (the KMS
 *       call). If it fails, every waiting caller gets that same exception and nothing is cached:
 *       the next call loads again. A loader must bound its own duration (KMS client timeouts);
 *       waiters wait as long as it runs.
 *   <li><b>Zeroing</b>: every key the cache drops (expired, invalidated, evicted as least recently
 *       used beyond {@code maxEntries}) is {@link SecretBytes#destroy() destroyed} as soon as no
 *       callback holds it. The cache owns what the loader returns.
 *   <li><b>Invalidation</b> ({@link #invalidate}, {@link #invalidateIf}, {@link #invalidateAll}: on
 *       deregistration, revocation, erasure) also cancels caching of loads in flight for those
 *       keys: callers already waiting for such a load get its result once, then it is destroyed.
 *   <li><b>Counts</b>: every {@link #withKey} is either a {@link #hits() hit} (served from the
 *       cache) or a {@link #misses() miss} (loaded, or waited for another caller's load).
 * </ul>
 *
 * <p>Thread-safe. Keys {@code K} need value {@code equals}/{@code hashCode} (records are ideal).
 *
 * @param <K> cache key, for example (tenant, DEK id, version)
 */
public final class KeyCache<K> {
  /** SPEC §1 default TTL of a plaintext key while the tenant's BYOK is active. */
  public static final Duration DEFAULT_BYOK_TTL = Duration.ofMinutes(5);

  /** SPEC §1 default TTL of a plaintext key under platform wrapping. */
  public static final Duration DEFAULT_PLATFORM_TTL = Duration.ofHours(1);

  /** Produces the plaintext key on a miss (typically: unwrap via KMS or a TMK). */
  @FunctionalInterface
  public interface Loader {
    /** A new key that the cache then owns and will destroy. */
    SecretBytes load() throws GeneralSecurityException;
  }

  /** Uses a leased key; must not retain it after returning. */
  @FunctionalInterface
  public interface KeyFunction<R> {
    /** Runs with the key alive for the whole call. */
    R apply(SecretBytes key) throws GeneralSecurityException;
  }

  private final int maxEntries;
  private final Clock clock;
  private final Object lock = new Object();
  private final LinkedHashMap<K, Entry> entries =
      new LinkedHashMap<>(16, 0.75f, true); // access order = LRU
  private final Map<K, Load> loads = new HashMap<>();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  private KeyCache(int maxEntries, Clock clock) {
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  /**
   * A cache holding at most {@code maxEntries} keys, reading time from {@code clock}.
   *
   * @throws IllegalArgumentException if {@code maxEntries < 1}
   */
  public static <K> KeyCache<K> create(int maxEntries, Clock clock) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
    }
    return new KeyCache<>(maxEntries, Objects.requireNonNull(clock, "clock"));
  }

  /**
   * Runs {@code fn} with the cached key for {@code key}, loading it with {@code loader} on a miss
   * and caching it for {@code ttl}.
   *
   * @return what {@code fn} returns
   * @throws GeneralSecurityException what the loader (possibly run for another caller) or {@code
   *     fn} threw
   * @throws IllegalArgumentException if {@code ttl} is not positive
   */
  public <R> R withKey(K key, Duration ttl, Loader loader, KeyFunction<R> fn)
      throws GeneralSecurityException {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(fn, "fn");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
    Entry entry = lease(key, ttl, loader);
    try {
      return fn.apply(entry.secret);
    } finally {
      entry.release();
    }
  }

  /**
   * Drops the key for {@code key} (zeroed once unused) and stops any load in flight from caching.
   */
  public void invalidate(K key) {
    invalidateIf(key::equals);
  }

  /** Like {@link #invalidate} for every cached or loading key matching {@code predicate}. */
  public void invalidateIf(Predicate<? super K> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    synchronized (lock) {
      removeIf(predicate);
      loads.keySet().removeIf(predicate);
    }
  }

  /** Drops every key. */
  public void invalidateAll() {
    invalidateIf(k -> true);
  }

  /**
   * Drops every expired entry now (reads never serve them anyway; this frees and zeroes them
   * sooner). For a periodic sweeper.
   *
   * @return how many entries were dropped
   */
  public int evictExpired() {
    long now = clock.millis();
    synchronized (lock) {
      int before = entries.size();
      removeIf(e -> false, now);
      return before - entries.size();
    }
  }

  /** Number of cached (loaded, possibly expired) keys. */
  public int size() {
    synchronized (lock) {
      return entries.size();
    }
  }

  /** Calls of {@link #withKey} served from the cache so far. */
  public long hits() {
    return hits.sum();
  }

  /** Calls of {@link #withKey} that loaded the key, or waited for a load, so far. */
  public long misses() {
    return misses.sum();
  }

  private Entry lease(K key, Duration ttl, Loader loader) throws GeneralSecurityException {
    boolean missed = false;
    while (true) {
      Load load;
      boolean owner;
      synchronized (lock) {
        Entry cached = entries.get(key);
        if (cached != null) {
          if (clock.millis() < cached.expiresAtMillis && cached.tryLease()) {
            if (!missed) {
              hits.increment();
            }
            return cached;
          }
          entries.remove(key);
          cached.retire();
        }
        load = loads.get(key);
        owner = load == null;
        if (owner) {
          load = new Load();
          loads.put(key, load);
        }
      }
      if (!missed) {
        misses.increment();
        missed = true;
      }
      if (owner) {
        return runLoad(key, ttl, loader, load);
      }
      Entry loaded = load.await();
      if (clock.millis() < loaded.expiresAtMillis && loaded.tryLease()) {
        return loaded;
      }
      // expired or already destroyed before this waiter got to it: look again
    }
  }

  private Entry runLoad(K key, Duration ttl, Loader loader, Load load)
      throws GeneralSecurityException {
    Entry entry;
    try {
      SecretBytes secret = Objects.requireNonNull(loader.load(), "loader returned null");
      if (secret.isDestroyed()) {
        throw new IllegalStateException("loader returned a destroyed key");
      }
      entry = new Entry(secret, saturatedAdd(clock.millis(), ttl.toMillis()));
    } catch (GeneralSecurityException | RuntimeException | Error e) {
      synchronized (lock) {
        loads.remove(key, load);
      }
      load.future.completeExceptionally(e);
      throw e;
    }
    entry.tryLease(); // the owner's lease, taken before anyone else can see the entry
    synchronized (lock) {
      if (loads.remove(key, load)) {
        entries.put(key, entry);
        while (entries.size() > maxEntries) {
          Iterator<Entry> eldest = entries.values().iterator();
          eldest.next().retire();
          eldest.remove();
        }
      } else {
        entry.retire(); // invalidated while loading: serve the callers already waiting, never cache
      }
    }
    load.future.complete(entry);
    return entry;
  }

  private void removeIf(Predicate<? super K> predicate) {
    removeIf(predicate, Long.MIN_VALUE);
  }

  /**
   * Removes and retires entries whose key matches or that expired at {@code now}; holds the lock.
   */
  private void removeIf(Predicate<? super K> predicate, long now) {
    Iterator<Map.Entry<K, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<K, Entry> e = it.next();
      if (predicate.test(e.getKey()) || now >= e.getValue().expiresAtMillis) {
        e.getValue().retire();
        it.remove();
      }
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  /** A loaded key with its lease count; -1 leases means destroyed. */
  private static final class Entry {
    final SecretBytes secret;
    final long expiresAtMillis;
    private final AtomicInteger leases = new AtomicInteger();
    private volatile boolean retired;

    Entry(SecretBytes secret, long expiresAtMillis) {
      this.secret = secret;
      this.expiresAtMillis = expiresAtMillis;
    }

    boolean tryLease() {
      while (true) {
        int n = leases.get();
        if (n < 0) {
          return false;
        }
        if (leases.compareAndSet(n, n + 1)) {
          return true;
        }
      }
    }

    void release() {
      if (leases.decrementAndGet() == 0 && retired) {
        destroyIfUnused();
      }
    }

    /** No longer cached: destroy now if unused, else when the last lease ends. */
    void retire() {
      retired = true;
      destroyIfUnused();
    }

    private void destroyIfUnused() {
      if (leases.compareAndSet(0, -1)) {
        secret.destroy();
      }
    }
  }

  /** A load in flight; its waiters share the outcome. */
  private static final class Load {
    final CompletableFuture<Entry> future = new CompletableFuture<>();

    Entry await() throws GeneralSecurityException {
      try {
        return future.join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof GeneralSecurityException gse) {
          throw gse;
        }
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw e;
      }
    }
  }
}
