package dev.keyledger.engine.keys;

import dev.keyledger.engine.crypto.KeyCache;
import java.time.Duration;

/**
 * TTLs of plaintext keys in memory (SPEC §1) and the cache bound.
 *
 * @param byokTtl keys under a TMK wrapped by the customer's CMK (default 5 min)
 * @param platformTtl keys under a TMK wrapped by the platform key (default 1 h)
 * @param maxEntries most plaintext keys held at once
 */
public record KeyringSettings(Duration byokTtl, Duration platformTtl, int maxEntries) {

  public static KeyringSettings defaults() {
    return new KeyringSettings(KeyCache.DEFAULT_BYOK_TTL, KeyCache.DEFAULT_PLATFORM_TTL, 100_000);
  }

  public KeyringSettings withByokTtl(Duration ttl) {
    return new KeyringSettings(ttl, platformTtl, maxEntries);
  }
}
