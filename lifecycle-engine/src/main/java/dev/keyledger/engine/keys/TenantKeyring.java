package dev.keyledger.engine.keys;

import dev.keyledger.avro.CmkBinding;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import dev.keyledger.engine.crypto.KeyCache;
import dev.keyledger.engine.crypto.KeyFingerprint;
import dev.keyledger.engine.crypto.PlatformKeyWrapper;
import dev.keyledger.engine.crypto.TmkKeyWrapper;
import dev.keyledger.engine.crypto.WrapContext;
import dev.keyledger.engine.domain.MaterialKeys;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.domain.TmkStatus;
import dev.keyledger.engine.kms.CustomerKms;
import dev.keyledger.engine.kms.KmsException;
import dev.keyledger.envelope.SecretBytes;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plaintext keys of every tenant, unwrapped on demand and held only in memory for a TTL: 5 min
 * (configurable) under a customer-wrapped TMK, 1 h under the platform key. A DEK never outlives the
 * TMK it came from, so cutting the CMK off takes effect within one TTL. Concurrent misses for one
 * key share one unwrap (one KMS call). Unwrap outcomes are reported to an {@link UnwrapListener},
 * which seals and unseals the tenant.
 *
 * <p>Metrics ({@link #bindTo}): {@value #CACHE_GETS} by {@code result} ({@code hit}, {@code miss};
 * a DEK's miss also asks for its TMK) and the {@value #CACHE_SIZE} gauge (TMKs and DEKs held).
 */
public final class TenantKeyring implements MeterBinder {

  /** Key cache lookups: {@code keyledger_key_cache_gets_total{result}} in Prometheus. */
  public static final String CACHE_GETS = "keyledger.key.cache.gets";

  /** Plaintext keys in the cache now: {@code keyledger_key_cache_size} in Prometheus. */
  public static final String CACHE_SIZE = "keyledger.key.cache.size";

  private final CustomerKms kms;
  private final PlatformKeyWrapper platformKey;
  private final KeyStateSource source;
  private final KeyringSettings settings;
  private final Clock clock;
  private final UnwrapListener listener;
  private final KeyCache<String> cache;

  /** When each cached TMK expires, to cap the TTL of the DEKs unwrapped with it. */
  private final Map<String, Instant> tmkExpiry = new ConcurrentHashMap<>();

  public TenantKeyring(
      CustomerKms kms,
      PlatformKeyWrapper platformKey,
      KeyStateSource source,
      KeyringSettings settings,
      Clock clock,
      UnwrapListener listener) {
    this.kms = kms;
    this.platformKey = platformKey;
    this.source = source;
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
    this.cache = KeyCache.create(settings.maxEntries(), clock);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder(CACHE_GETS, cache, KeyCache::hits)
        .description("Plaintext key lookups served from the key cache (hit) or unwrapped (miss)")
        .tag("result", "hit")
        .register(registry);
    FunctionCounter.builder(CACHE_GETS, cache, KeyCache::misses)
        .description("Plaintext key lookups served from the key cache (hit) or unwrapped (miss)")
        .tag("result", "miss")
        .register(registry);
    Gauge.builder(CACHE_SIZE, cache, KeyCache::size)
        .description("Plaintext keys (TMKs and DEKs) in the key cache, expired ones not yet swept")
        .register(registry);
  }

  /** Uses a callback on a key; the key must not escape it. */
  @FunctionalInterface
  public interface KeyUse<R> {
    R apply(SecretBytes key) throws GeneralSecurityException;
  }

  /**
   * Runs {@code use} with the plaintext of a TMK version.
   *
   * @param mayLoad false while the tenant is sealed: only a cached key may be used, never KMS
   * @throws KeyUnavailableException when the key cannot be had (sealed, KMS refused, material
   *     missing)
   */
  public <R> R withTmk(TenantState state, TmkVersionState version, boolean mayLoad, KeyUse<R> use)
      throws GeneralSecurityException {
    String cacheKey = tmkCacheKey(state.getTenantId(), version);
    Duration ttl = ttlOf(version);
    return cache.withKey(
        cacheKey,
        ttl,
        () -> {
          if (!mayLoad) {
            throw new KeyUnavailableException(
                KeyUnavailableException.Reason.SEALED,
                "tenant is sealed and TMK v" + version.getTmk().getVersion() + " is not cached",
                null);
          }
          SecretBytes tmk = unwrapTmk(state, version);
          tmkExpiry.put(cacheKey, clock.instant().plus(ttl));
          return tmk;
        },
        use::apply);
  }

  /**
   * Runs {@code use} with the plaintext of a DEK (unwrapped with its TMK version, which may be
   * loaded).
   */
  public <R> R withDek(TenantState state, DekState dek, boolean mayLoad, KeyUse<R> use)
      throws GeneralSecurityException {
    String tenant = state.getTenantId();
    TmkVersionState tmk =
        TenantStates.tmk(state, dek.getDek().getTmkVersion())
            .orElseThrow(
                () ->
                    missing(
                        "TMK v"
                            + dek.getDek().getTmkVersion()
                            + " of DEK "
                            + dek.getDek().getDekId()));
    String tmkKey = tmkCacheKey(tenant, tmk);
    Duration ttl = ttlOf(tmk);
    Instant tmkExpires = tmkExpiry.get(tmkKey);
    if (tmkExpires != null && tmkExpires.isAfter(clock.instant())) {
      Duration remaining = Duration.between(clock.instant(), tmkExpires);
      ttl = remaining.compareTo(ttl) < 0 ? remaining : ttl;
    }
    String materialKey =
        MaterialKeys.dek(tenant, dek.getDek().getDekId(), tmk.getTmk().getVersion());
    return cache.withKey(
        tenant + "/dek/" + dek.getDek().getDekId() + "@" + tmk.getTmk().getVersion(),
        ttl,
        () -> {
          byte[] wrapped = wrappedBytes(materialKey);
          return withTmk(
              state,
              tmk,
              mayLoad,
              key ->
                  TmkKeyWrapper.create(tenant, tmk.getTmk().getVersion(), key)
                      .unwrap(
                          wrapped,
                          new WrapContext(
                              tenant,
                              dek.getDek().getDekId(),
                              dek.getDek().getVersion(),
                              WrapContext.Purpose.DEK)));
        },
        use::apply);
  }

  /**
   * Until when a DEK just used through {@link #withDek} may be used elsewhere (a leased data key):
   * no later than this key ring would drop it, which is when its TMK's cache entry ends, so
   * revoking the CMK stops a lessee no later than the platform.
   */
  public Instant usableUntil(TenantState state, DekState dek) {
    Instant now = clock.instant();
    Instant latest = now;
    TmkVersionState tmk = TenantStates.tmk(state, dek.getDek().getTmkVersion()).orElse(null);
    if (tmk != null) {
      Instant cached = tmkExpiry.get(tmkCacheKey(state.getTenantId(), tmk));
      latest = cached != null && cached.isAfter(now) ? cached : now.plus(ttlOf(tmk));
    }
    return latest;
  }

  /** Wraps a new DEK under a TMK version (which may be loaded). */
  public WrappedKey wrapDek(
      TenantState state, TmkVersionState under, SecretBytes dek, String dekId, int dekVersion)
      throws GeneralSecurityException {
    String tenant = state.getTenantId();
    byte[] wrapped =
        withTmk(
            state,
            under,
            true,
            key ->
                TmkKeyWrapper.create(tenant, under.getTmk().getVersion(), key)
                    .wrap(
                        dek, new WrapContext(tenant, dekId, dekVersion, WrapContext.Purpose.DEK)));
    return new WrappedKey(wrapped, KeyFingerprint.of(wrapped));
  }

  /**
   * Unwraps the active TMK through the CMK now, bypassing the cache: the seal watcher's and the
   * manual unseal's check. Reports the outcome to the listener like any unwrap.
   */
  public void verifyCmk(TenantState state) throws GeneralSecurityException {
    TmkVersionState active = TenantStates.activeTmk(state).orElseThrow(() -> missing("active TMK"));
    unwrapTmk(state, active).destroy();
  }

  /** Drops every cached key of a tenant (deregistration, seal, erasure). */
  public void purge(String tenantId) {
    String prefix = tenantId + "/";
    cache.invalidateIf(k -> k.startsWith(prefix));
    tmkExpiry.keySet().removeIf(k -> k.startsWith(prefix));
  }

  /** Drops expired keys now (reads never serve them anyway; this zeroes them sooner). */
  public int evictExpired() {
    tmkExpiry.values().removeIf(expiry -> !expiry.isAfter(clock.instant()));
    return cache.evictExpired();
  }

  private SecretBytes unwrapTmk(TenantState state, TmkVersionState version)
      throws GeneralSecurityException {
    String tenant = state.getTenantId();
    int number = version.getTmk().getVersion();
    if (TmkStatus.DESTROYED.wire().equals(version.getStatus())) {
      throw missing("TMK v" + number + " (destroyed)");
    }
    byte[] wrapped = wrappedBytes(MaterialKeys.tmk(tenant, version.getTmk().getTmkId()));
    if (!"customer_kms".equals(version.getTmk().getWrapMethod())) {
      return platformKey.unwrap(
          wrapped,
          new WrapContext(tenant, version.getTmk().getTmkId(), number, WrapContext.Purpose.TMK));
    }
    CmkBinding cmk =
        TmkContext.cmkOf(state, version)
            .orElseThrow(() -> missing("CMK binding of TMK v" + number));
    byte[] plaintext = null;
    try {
      plaintext =
          kms.decrypt(TmkContext.refOf(cmk), TmkContext.encryptionContext(tenant, number), wrapped);
      listener.unwrapSucceeded(tenant, number);
      return SecretBytes.copyOf(plaintext);
    } catch (KmsException e) {
      listener.unwrapFailed(tenant, number, e);
      throw new KeyUnavailableException(
          KeyUnavailableException.Reason.KMS_REFUSED,
          "the CMK refused to unwrap TMK v" + number,
          e);
    } finally {
      if (plaintext != null) {
        Arrays.fill(plaintext, (byte) 0);
      }
    }
  }

  private byte[] wrappedBytes(String materialKey) throws KeyUnavailableException {
    KeyMaterial material =
        source.material(materialKey).orElseThrow(() -> missing("key material " + materialKey));
    ByteBuffer buffer = material.getWrappedKey().duplicate();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private Duration ttlOf(TmkVersionState version) {
    return "customer_kms".equals(version.getTmk().getWrapMethod())
        ? settings.byokTtl()
        : settings.platformTtl();
  }

  private static String tmkCacheKey(String tenant, TmkVersionState version) {
    return tenant + "/tmk/" + version.getTmk().getTmkId();
  }

  private static KeyUnavailableException missing(String what) {
    return new KeyUnavailableException(
        KeyUnavailableException.Reason.MATERIAL_MISSING, "not available: " + what, null);
  }
}
