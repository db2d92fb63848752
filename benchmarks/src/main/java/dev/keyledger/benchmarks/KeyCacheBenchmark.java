package dev.keyledger.benchmarks;

import dev.keyledger.engine.crypto.KeyCache;
import dev.keyledger.engine.crypto.Keys;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Hit-path latency of {@link KeyCache#withKey}: lock, LRU touch, expiry check, lease, callback,
 * release. 1,024 warm keys; each thread walks them in its own order; the callback is trivial, so
 * this is the cache's own overhead per data-plane call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KeyCacheBenchmark {
  private static final int KEYS = 1024;
  private static final Duration TTL = Duration.ofHours(1);
  private static final KeyCache.Loader NEVER =
      () -> {
        throw new IllegalStateException("benchmark keys are preloaded");
      };

  /** The shared cache, preloaded. */
  @State(Scope.Benchmark)
  public static class Shared {
    final KeyCache<Integer> cache = KeyCache.create(KEYS, Clock.systemUTC());

    @Setup
    public void preload() throws GeneralSecurityException {
      for (int i = 0; i < KEYS; i++) {
        cache.withKey(i, TTL, Keys::newAes256, k -> k);
      }
    }
  }

  /** Each thread's position in the key sequence. */
  @State(Scope.Thread)
  public static class Cursor {
    int next = (int) (Thread.currentThread().getId() * 7919);

    Integer advance() {
      next = (next + 1) & (KEYS - 1);
      return next;
    }
  }

  @Benchmark
  @Threads(1)
  public int hitOneThread(Shared shared, Cursor cursor) throws GeneralSecurityException {
    return shared.cache.withKey(cursor.advance(), TTL, NEVER, k -> k.size());
  }

  @Benchmark
  @Threads(2)
  public int hitTwoThreads(Shared shared, Cursor cursor) throws GeneralSecurityException {
    return shared.cache.withKey(cursor.advance(), TTL, NEVER, k -> k.size());
  }
}
