package dev.keyledger.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.engine.testing.MutableClock;
import dev.keyledger.envelope.DataAead;
import dev.keyledger.envelope.DekRef;
import dev.keyledger.envelope.SecretBytes;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyCacheTest {
  private record DekKey(String tenant, int version) {}

  private static final Duration TTL = KeyCache.DEFAULT_BYOK_TTL;
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final KeyCache<DekKey> cache = KeyCache.create(100, clock);
  private final List<SecretBytes> loaded = new CopyOnWriteArrayList<>();
  private final AtomicInteger loads = new AtomicInteger();

  private SecretBytes load() {
    loads.incrementAndGet();
    SecretBytes key = Keys.newAes256();
    loaded.add(key);
    return key;
  }

  private SecretBytes use(DekKey key, Duration ttl) throws GeneralSecurityException {
    return cache.withKey(
        key,
        ttl,
        this::load,
        k -> {
          assertThat(k.isDestroyed()).isFalse();
          return k;
        });
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aHitDoesNotCallTheLoader() throws Exception {
    DekKey key = new DekKey("a", 1);
    SecretBytes first = use(key, TTL);
    SecretBytes second = use(key, TTL);
    assertThat(second).isSameAs(first);
    assertThat(loads).hasValue(1);
    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.misses()).isEqualTo(1);
    assertThat(cache.hits()).isEqualTo(1);
  }

  @Test
  void anEntryIsServedUntilItsTtlAndThenReloadedAndZeroed() throws Exception {
    DekKey key = new DekKey("a", 1);
    SecretBytes first = use(key, TTL);
    clock.advance(TTL.minusMillis(1));
    assertThat(use(key, TTL)).isSameAs(first);
    clock.advance(Duration.ofMillis(1));
    SecretBytes second = use(key, TTL);
    assertThat(second).isNotSameAs(first);
    assertThat(first.isDestroyed()).isTrue();
    assertThat(second.isDestroyed()).isFalse();
    assertThat(loads).hasValue(2);
    assertThat(cache.misses()).as("an expired entry is a miss").isEqualTo(2);
    assertThat(cache.hits()).isEqualTo(1);
  }

  @Test
  void theTtlIsChosenPerEntryAtLoadTime() throws Exception {
    SecretBytes byok = use(new DekKey("byok", 1), KeyCache.DEFAULT_BYOK_TTL);
    SecretBytes platform = use(new DekKey("platform", 1), KeyCache.DEFAULT_PLATFORM_TTL);
    clock.advance(Duration.ofMinutes(5));
    assertThat(use(new DekKey("platform", 1), KeyCache.DEFAULT_BYOK_TTL)).isSameAs(platform);
    assertThat(use(new DekKey("byok", 1), KeyCache.DEFAULT_PLATFORM_TTL)).isNotSameAs(byok);
    assertThat(byok.isDestroyed()).isTrue();
    clock.advance(Duration.ofMinutes(55));
    assertThat(use(new DekKey("platform", 1), KeyCache.DEFAULT_PLATFORM_TTL)).isNotSameAs(platform);
    assertThat(platform.isDestroyed()).isTrue();
  }

  @Test
  void evictExpiredZeroesExpiredEntriesWithoutAnyRead() throws Exception {
    SecretBytes shortLived = use(new DekKey("a", 1), Duration.ofMinutes(5));
    SecretBytes longLived = use(new DekKey("b", 1), Duration.ofHours(1));
    clock.advance(Duration.ofMinutes(5));
    assertThat(cache.evictExpired()).isEqualTo(1);
    assertThat(shortLived.isDestroyed()).isTrue();
    assertThat(longLived.isDestroyed()).isFalse();
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void invalidateZeroesTheKeyAndTheNextUseReloads() throws Exception {
    DekKey key = new DekKey("a", 1);
    SecretBytes first = use(key, TTL);
    cache.invalidate(key);
    assertThat(first.isDestroyed()).isTrue();
    assertThat(cache.size()).isZero();
    assertThat(use(key, TTL)).isNotSameAs(first);
    assertThat(loads).hasValue(2);
  }

  @Test
  void invalidateIfAndInvalidateAllZeroTheMatchingKeys() throws Exception {
    SecretBytes a1 = use(new DekKey("a", 1), TTL);
    SecretBytes a2 = use(new DekKey("a", 2), TTL);
    SecretBytes b1 = use(new DekKey("b", 1), TTL);
    cache.invalidateIf(k -> k.tenant().equals("a"));
    assertThat(a1.isDestroyed()).isTrue();
    assertThat(a2.isDestroyed()).isTrue();
    assertThat(b1.isDestroyed()).isFalse();
    cache.invalidateAll();
    assertThat(b1.isDestroyed()).isTrue();
    assertThat(cache.size()).isZero();
  }

  @Test
  void aKeyInUseIsNotDestroyedUntilTheCallbackReturns() throws Exception {
    DekKey key = new DekKey("a", 1);
    SecretBytes[] seen = new SecretBytes[1];
    cache.withKey(
        key,
        TTL,
        this::load,
        k -> {
          seen[0] = k;
          cache.invalidate(key);
          clock.advance(TTL.multipliedBy(2));
          assertThat(cache.evictExpired()).isZero();
          assertThat(k.isDestroyed()).isFalse();
          byte[] ct = DataAead.create(k, new DekRef("dek", 1)).encrypt("t", new byte[] {1}, null);
          return DataAead.create(k, new DekRef("dek", 1)).decrypt("t", ct, null);
        });
    assertThat(seen[0].isDestroyed()).isTrue();
  }

  @Test
  void aKeyExpiringDuringUseIsReplacedForNewCallersAndDestroyedAfterTheOldCallerFinishes()
      throws Exception {
    DekKey key = new DekKey("a", 1);
    SecretBytes old = use(key, TTL);
    SecretBytes replacement =
        cache.withKey(
            key,
            TTL,
            this::load,
            inUse -> {
              clock.advance(TTL);
              SecretBytes fresh = use(key, TTL);
              assertThat(fresh).isNotSameAs(inUse);
              assertThat(inUse.isDestroyed()).isFalse();
              return fresh;
            });
    assertThat(old.isDestroyed()).isTrue();
    assertThat(replacement.isDestroyed()).isFalse();
  }

  @Test
  void leastRecentlyUsedEntriesAreEvictedAndZeroed() throws Exception {
    KeyCache<String> small = KeyCache.create(2, clock);
    Map<String, SecretBytes> keys = new ConcurrentHashMap<>();
    KeyCache.KeyFunction<SecretBytes> identity = k -> k;
    for (String name : List.of("a", "b")) {
      keys.put(name, small.withKey(name, TTL, this::load, identity));
    }
    small.withKey("a", TTL, this::load, identity); // a is now more recent than b
    keys.put("c", small.withKey("c", TTL, this::load, identity));
    assertThat(small.size()).isEqualTo(2);
    assertThat(keys.get("b").isDestroyed()).isTrue();
    assertThat(keys.get("a").isDestroyed()).isFalse();
    assertThat(keys.get("c").isDestroyed()).isFalse();
    assertThat(small.withKey("a", TTL, this::load, identity)).isSameAs(keys.get("a"));
    assertThat(loads).hasValue(3);
  }

  @Test
  void aThousandConcurrentMissesShareOneLoaderCall() throws Exception {
    int callers = 1000;
    DekKey key = new DekKey("a", 1);
    CountDownLatch allStarted = new CountDownLatch(callers);
    CountDownLatch loaderMayFinish = new CountDownLatch(1);
    AtomicInteger loaderCalls = new AtomicInteger();
    SecretBytes theKey = Keys.newAes256();
    List<Object> results = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      Thread t =
          new Thread(
              () -> {
                allStarted.countDown();
                try {
                  results.add(
                      cache.withKey(
                          key,
                          TTL,
                          () -> {
                            loaderCalls.incrementAndGet();
                            await(loaderMayFinish);
                            return theKey;
                          },
                          k -> k));
                } catch (Exception e) {
                  results.add(e);
                }
              });
      threads.add(t);
      t.start();
    }
    allStarted.await();
    // every caller is past its start signal; wait until each one is parked, which (the cache lock
    // being
    // a monitor, whose waiters are BLOCKED, not WAITING) means in the loader or waiting for its
    // result
    for (Thread t : threads) {
      while (t.getState() != Thread.State.WAITING && t.isAlive()) {
        Thread.onSpinWait();
      }
    }
    loaderMayFinish.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(loaderCalls).hasValue(1);
    assertThat(results).hasSize(callers).allSatisfy(r -> assertThat(r).isSameAs(theKey));
    assertThat(theKey.isDestroyed()).isFalse();
    assertThat(cache.misses()).as("a wait for another caller's load is a miss").isEqualTo(callers);
    assertThat(cache.hits()).isZero();
  }

  @Test
  void aLoaderFailureReachesEveryWaiterAndIsNotCached() throws Exception {
    int callers = 50;
    DekKey key = new DekKey("a", 1);
    CountDownLatch allStarted = new CountDownLatch(callers);
    CountDownLatch loaderMayFail = new CountDownLatch(1);
    AtomicInteger loaderCalls = new AtomicInteger();
    GeneralSecurityException kmsDown = new GeneralSecurityException("KMS unreachable");
    List<Object> results = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      Thread t =
          new Thread(
              () -> {
                allStarted.countDown();
                try {
                  results.add(
                      cache.withKey(
                          key,
                          TTL,
                          () -> {
                            loaderCalls.incrementAndGet();
                            await(loaderMayFail);
                            throw kmsDown;
                          },
                          k -> k));
                } catch (Exception e) {
                  results.add(e);
                }
              });
      threads.add(t);
      t.start();
    }
    allStarted.await();
    for (Thread t : threads) {
      while (t.getState() != Thread.State.WAITING && t.isAlive()) {
        Thread.onSpinWait();
      }
    }
    loaderMayFail.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(loaderCalls).hasValue(1);
    assertThat(results).hasSize(callers).allSatisfy(r -> assertThat(r).isSameAs(kmsDown));
    assertThat(cache.size()).isZero();

    SecretBytes recovered = use(key, TTL);
    assertThat(loads).hasValue(1);
    assertThat(use(key, TTL)).isSameAs(recovered);
  }

  @Test
  void aLoadInvalidatedWhileInFlightIsNotCached() throws Exception {
    DekKey key = new DekKey("a", 1);
    SecretBytes stale =
        cache.withKey(
            key,
            TTL,
            () -> {
              cache.invalidate(key); // e.g. a revoke event arrives while KMS is answering
              return load();
            },
            k -> k);
    assertThat(stale.isDestroyed()).isTrue();
    assertThat(cache.size()).isZero();
    assertThat(use(key, TTL)).isNotSameAs(stale);
  }

  @Test
  void aFailingCallbackStillReleasesItsLease() throws Exception {
    DekKey key = new DekKey("a", 1);
    assertThatThrownBy(
            () ->
                cache.withKey(
                    key,
                    TTL,
                    this::load,
                    k -> {
                      throw new GeneralSecurityException("invalid ciphertext");
                    }))
        .hasMessage("invalid ciphertext");
    cache.invalidate(key);
    assertThat(loaded).singleElement().satisfies(k -> assertThat(k.isDestroyed()).isTrue());
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> KeyCache.create(0, clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> use(new DekKey("a", 1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cache.withKey(new DekKey("a", 1), TTL, () -> null, k -> k))
        .isInstanceOf(NullPointerException.class);
    assertThat(cache.size()).isZero();
  }
}
