package dev.keyledger.application;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.keyledger.avro.command.RecordHealthCheck;
import dev.keyledger.avro.command.ReportUnwrapSucceeded;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.crypto.Keys;
import dev.keyledger.engine.crypto.PlatformKeyWrapper;
import dev.keyledger.engine.crypto.WrapContext;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.engine.keys.TmkContext;
import dev.keyledger.engine.kms.CmkProbe;
import dev.keyledger.engine.kms.KmsException;
import dev.keyledger.engine.kms.ProbeResult;
import dev.keyledger.envelope.SecretBytes;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPEC §3a {@code GET /health}: a live round trip to the tenant's CMK (an encrypt and a decrypt of
 * a probe under the tenant's encryption context, {@link CmkProbe}), remembered {@link #GOOD_FOR}
 * when it succeeded and {@link #BAD_FOR} when it failed, so polling costs the customer's KMS quota
 * at most one round trip per tenant per window. Concurrent requests for one tenant share one round
 * trip.
 *
 * <p>Each live check (not a remembered one) is folded as {@code RecordHealthCheck}, audited as
 * {@code health_check}; a failure that proves the key unusable ({@link
 * dev.keyledger.engine.kms.KmsFailure#sealsTenant()}) seals the tenant as an unwrap failure would.
 * A good check of a sealed tenant tries the unwrap of its active TMK at once, as the seal watcher
 * would in its next round, and unseals it when that works.
 */
public final class HealthChecks {

  /** How long a good live check is reused. */
  public static final Duration GOOD_FOR = Duration.ofSeconds(20);

  /** How long a failed live check is reused. */
  public static final Duration BAD_FOR = Duration.ofSeconds(3);

  private static final Logger LOG = LoggerFactory.getLogger(HealthChecks.class);
  private static final String REPORTER = "health_check";

  private final TenantReader reader;
  private final PlatformKeys platformKeys;
  private final CmkProbe probe;
  private final PlatformKeyWrapper platformKey;
  private final TenantKeyring keyring;
  private final Commands commands;
  private final Clock clock;
  private final AsyncCache<String, LiveCheck> recent;

  public HealthChecks(
      TenantReader reader,
      PlatformKeys platformKeys,
      CmkProbe probe,
      PlatformKeyWrapper platformKey,
      TenantKeyring keyring,
      Commands commands,
      Clock clock) {
    this.reader = reader;
    this.platformKeys = platformKeys;
    this.probe = probe;
    this.platformKey = platformKey;
    this.keyring = keyring;
    this.commands = commands;
    this.clock = clock;
    this.recent =
        Caffeine.newBuilder()
            .maximumSize(100_000)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .expireAfter(
                Expiry.<String, LiveCheck>creating(
                    (tenant, check) -> check.ok() ? GOOD_FOR : BAD_FOR))
            .buildAsync();
  }

  /**
   * The tenant's health; a tenant without keys gets platform-managed ones first. Under BYOK the
   * live check is a round trip to the CMK; with platform-managed keys it is a round trip of the
   * platform key (a probe wrapped, and the active TMK unwrapped from its stored material).
   */
  public Outcome<HealthReport> check(Caller caller) {
    return Stop.outcome(
        () -> {
          TenantState state = platformKeys.ensure(caller);
          TenantState platform = reader.platform().orElse(null);
          String tenant = caller.tenant();
          CompletableFuture<LiveCheck> before = recent.getIfPresent(tenant);
          Instant sealedSince =
              state.getBinding() == null ? null : state.getBinding().getSealedSince();
          if (before != null
              && before.isDone()
              && !before.isCompletedExceptionally()
              && before.join().ok()
              && sealedSince != null
              && !before.join().at().isAfter(sealedSince)) {
            recent.asMap().remove(tenant, before); // sealed since the good check: it is stale
          }
          // One round trip per tenant at a time, made on this thread and outside the cache's locks.
          CompletableFuture<LiveCheck> mine = new CompletableFuture<>();
          CompletableFuture<LiveCheck> shared = recent.asMap().putIfAbsent(tenant, mine);
          boolean live = shared == null;
          if (live) {
            try {
              mine.complete(liveCheck(caller, state));
            } catch (RuntimeException e) {
              recent.asMap().remove(tenant, mine);
              mine.completeExceptionally(e);
              throw e;
            }
          }
          LiveCheck check = (live ? mine : shared).join();
          TenantState now = live ? reader.tenant(tenant).orElse(state) : state;
          return HealthReport.of(now, platform, check, !live);
        });
  }

  private LiveCheck liveCheck(Caller caller, TenantState state) {
    Instant at = clock.instant();
    LiveCheck check;
    if (usesCustomerKms(state)) {
      try {
        ProbeResult result =
            probe.probe(TmkContext.refOf(state.getBinding().getCmk()), state.getTenantId());
        check = LiveCheck.ok(at, result.encryptMillis(), result.decryptMillis());
      } catch (KmsException e) {
        check = LiveCheck.failed(at, e);
      }
    } else {
      check = platformRoundTrip(at, state);
    }
    record(
        caller,
        RecordHealthCheck.newBuilder()
            .setEncryptMs(check.encryptMs())
            .setDecryptMs(check.decryptMs())
            .setFailure(check.ok() ? null : check.failure().wireName())
            .setMessage(check.message())
            .setAwsErrorCode(check.awsErrorCode())
            .setSeal(!check.ok() && check.failure().sealsTenant())
            .setReporter(REPORTER)
            .build());
    if (check.ok() && TenantStates.status(state) == BindingStatus.SEALED) {
      unseal(caller, state);
    }
    return check;
  }

  /**
   * The platform key's round trip: a random probe wrapped and unwrapped under the tenant's context
   * (encrypt), and the active TMK unwrapped from its stored material, bypassing the cache
   * (decrypt).
   */
  private LiveCheck platformRoundTrip(Instant at, TenantState state) {
    long started = System.nanoTime();
    try {
      probePlatformKey(state.getTenantId());
      long wrapped = System.nanoTime();
      keyring.verifyCmk(state);
      long unwrapped = System.nanoTime();
      return LiveCheck.ok(at, (wrapped - started) / 1_000_000, (unwrapped - wrapped) / 1_000_000);
    } catch (GeneralSecurityException e) {
      return LiveCheck.platformFailed(at, e.getMessage());
    }
  }

  private void probePlatformKey(String tenant) throws GeneralSecurityException {
    SecretBytes probe = Keys.newAes256();
    WrapContext context = new WrapContext(tenant, "health_probe", 1, WrapContext.Purpose.TMK);
    try {
      platformKey.unwrap(platformKey.wrap(probe, context), context).destroy();
    } finally {
      probe.destroy();
    }
  }

  private void unseal(Caller caller, TenantState state) {
    try {
      keyring.verifyCmk(state);
    } catch (GeneralSecurityException e) {
      LOG.info(
          "tenant {}: the CMK answers the probe but does not unwrap TMK v{} yet; still sealed",
          state.getTenantId(),
          TenantStates.activeTmk(state).map(v -> v.getTmk().getVersion()).orElse(0));
      return;
    }
    record(
        caller,
        ReportUnwrapSucceeded.newBuilder()
            .setTmkVersion(TenantStates.activeTmk(state).orElseThrow().getTmk().getVersion())
            .setReporter(REPORTER)
            .setManual(false)
            .build());
  }

  /** Folds a command of the check; the answer does not depend on it, so a failure is logged. */
  private void record(Caller caller, Object payload) {
    try {
      commands.run(caller, payload, List.of());
    } catch (Stop stop) {
      LOG.warn(
          "tenant {}: health check result not recorded: {}",
          caller.tenant(),
          stop.getClass().getSimpleName());
    }
  }

  /**
   * A bound CMK is checked there, also while its registration waits for the waiver (the key the
   * tenant is about to switch to, though its platform-managed keys serve meanwhile); a deregistered
   * one cannot be.
   */
  private static boolean usesCustomerKms(TenantState state) {
    return TenantStates.status(state).isBound();
  }
}
