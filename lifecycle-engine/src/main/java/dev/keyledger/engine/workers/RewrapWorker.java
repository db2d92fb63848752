package dev.keyledger.engine.workers;

import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.command.RecordRewrapBatch;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.RewrapState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.DekStatus;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.engine.keys.WrappedKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves every DEK under the TMK version a rewrap lease targets, in batches (SPEC §3a/§3b: a master
 * rotation enqueues a background rewrap); scheduled every {@link WorkerSettings#rewrap()}, with
 * {@link WorkerSettings#rewrapBatch()} DEKs per batch (default 100 every 5 s).
 *
 * <p>Each round, for every owned tenant with a rewrap lease ({@code TenantState.rewrap}) that is
 * not sealed, takes up to {@code batchSize} live DEKs not yet under the lease's target version, in
 * ascending DEK version order, unwraps each with its current TMK and wraps it under the target, and
 * submits them as one {@code RecordRewrapBatch} with the new key material (one transaction).
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li><b>The state is the cursor.</b> A DEK not yet under the target is pending, whatever
 *       happened before, so a crashed or moved worker resumes exactly where the folded state says;
 *       a new instance needs nothing else.
 *   <li><b>No partial moves.</b> A batch is accepted or refused as a whole by the fold, which
 *       checks the lease; the material of a refused batch is erased there. A refused batch ({@code
 *       lease_superseded} after another rotation, ...) is logged and the next round re-reads the
 *       state.
 *   <li><b>Fail closed.</b> A DEK that cannot be re-wrapped now (tenant sealed meanwhile, KMS
 *       refused, material missing) ends that tenant's batch there: the DEKs re-wrapped before it
 *       are submitted, the rest wait for a later round.
 *   <li>Plaintext DEKs are used only inside key ring callbacks; logs carry ids, versions and
 *       counts.
 * </ul>
 *
 * When the last pending DEK moves, the fold completes the lease ({@code RewrapCompleted}); the old
 * TMK version stays retired (unwrap only) and may then be destroyed.
 *
 * <p>Metrics: {@value #BATCHES} and {@value #DEKS} count the batches the fold accepted and the DEKs
 * they moved (a refused or unsent batch counts nothing).
 */
public final class RewrapWorker implements Worker {

  /** DEKs per batch unless configured otherwise. */
  public static final int DEFAULT_BATCH_SIZE = 100;

  /** Accepted rewrap batches: {@code keyledger_rewrap_batches_total} in Prometheus. */
  public static final String BATCHES = "keyledger.rewrap.batches";

  /** DEKs re-wrapped in accepted batches: {@code keyledger_rewrap_deks_total} in Prometheus. */
  public static final String DEKS = "keyledger.rewrap.deks";

  private static final Logger LOG = LoggerFactory.getLogger(RewrapWorker.class);
  private static final int PAGE = 500;

  private final TenantKeyring keyring;
  private final LocalTenants tenants;
  private final WorkerCommands commands;
  private final int batchSize;
  private final Counter batches;
  private final Counter deks;

  /**
   * @param metrics where {@value #BATCHES} and {@value #DEKS} are registered
   * @throws IllegalArgumentException if {@code batchSize < 1}
   */
  public RewrapWorker(
      TenantKeyring keyring,
      LocalTenants tenants,
      CommandSink sink,
      int batchSize,
      MeterRegistry metrics) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
    }
    this.keyring = Objects.requireNonNull(keyring, "keyring");
    this.tenants = Objects.requireNonNull(tenants, "tenants");
    this.commands = new WorkerCommands(Objects.requireNonNull(sink, "sink"), LOG);
    this.batchSize = batchSize;
    this.batches =
        Counter.builder(BATCHES).description("Rewrap batches the fold accepted").register(metrics);
    this.deks =
        Counter.builder(DEKS)
            .description("DEKs re-wrapped under a new TMK version, in accepted batches")
            .register(metrics);
  }

  @Override
  public void runOnce() {
    TenantRound.forEach(
        tenants,
        state -> state.getRewrap() != null && TenantStates.status(state) != BindingStatus.SEALED,
        this::rewrapBatch,
        LOG);
  }

  /** Up to a batch of live DEKs not yet under {@code toVersion}, lowest version first. */
  private List<DekState> pending(String tenant, int toVersion) {
    List<DekState> pending = new ArrayList<>(batchSize);
    int from = 1;
    while (pending.size() < batchSize) {
      List<DekState> page = tenants.deks(tenant, from, PAGE);
      for (DekState d : page) {
        if (d.getDek().getTmkVersion() != toVersion
            && !DekStatus.LOST.equals(d.getStatus())
            && pending.size() < batchSize) {
          pending.add(d);
        }
      }
      if (page.size() < PAGE) {
        break;
      }
      from = page.get(page.size() - 1).getDek().getVersion() + 1;
    }
    return pending;
  }

  private void rewrapBatch(TenantState state) {
    String tenant = state.getTenantId();
    RewrapState lease = state.getRewrap();
    int to = lease.getToTmkVersion();
    TmkVersionState target =
        TenantStates.tmk(state, to)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "rewrap lease " + lease.getLeaseId() + " targets unknown TMK v" + to));
    List<DekState> pending = pending(tenant, to);
    List<DekRef> moved = new ArrayList<>(pending.size());
    List<KeyMaterial> material = new ArrayList<>(pending.size());
    for (DekState dek : pending) {
      String dekId = dek.getDek().getDekId();
      WrappedKey wrapped;
      try {
        wrapped =
            keyring.withDek(
                state,
                dek,
                true,
                plain -> keyring.wrapDek(state, target, plain, dekId, dek.getDek().getVersion()));
      } catch (GeneralSecurityException e) {
        LOG.warn(
            "tenant {} rewrap lease {}: DEK {} v{} cannot be re-wrapped now ({}), the batch stops there",
            tenant,
            lease.getLeaseId(),
            dekId,
            dek.getDek().getVersion(),
            UnwrapFailures.kindOf(e));
        break;
      }
      DekRef ref =
          DekRef.newBuilder(dek.getDek())
              .setTmkVersion(to)
              .setFingerprint(wrapped.fingerprint())
              .build();
      moved.add(ref);
      material.add(
          KeyMaterial.newBuilder()
              .setTenantId(tenant)
              .setTmk(target.getTmk())
              .setDek(ref)
              .setWrappedKey(ByteBuffer.wrap(wrapped.bytes()))
              .build());
    }
    if (moved.isEmpty()) {
      return;
    }
    RecordRewrapBatch batch =
        RecordRewrapBatch.newBuilder().setLeaseId(lease.getLeaseId()).setDeks(moved).build();
    if (commands.submit(tenant, batch, material)) {
      batches.increment();
      deks.increment(moved.size());
      LOG.info(
          "tenant {} rewrap lease {}: {}/{} DEKs under TMK v{}",
          tenant,
          lease.getLeaseId(),
          lease.getDone() + moved.size(),
          lease.getTotal(),
          to);
    }
  }
}
