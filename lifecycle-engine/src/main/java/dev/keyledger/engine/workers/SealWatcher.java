package dev.keyledger.engine.workers;

import dev.keyledger.avro.command.ReportUnwrapSucceeded;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.keys.TenantKeyring;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unseals tenants whose CMK is usable again (SPEC §2: "while sealed the engine retries unwrap every
 * 30 s and unseals by itself on success"); scheduled every {@link WorkerSettings#sealRetry()}.
 *
 * <p>Each round, for every owned tenant whose binding is {@code sealed}, unwraps the active TMK
 * through the CMK ({@link TenantKeyring#verifyCmk}, bypassing the cache). On success it submits
 * {@code ReportUnwrapSucceeded{manual: false}} naming this instance; the fold unseals the tenant
 * (and does nothing if another instance or an operator already did). On failure it submits nothing:
 * the tenant stays sealed and the next round tries again, so a key that stays cut off costs one KMS
 * call per tenant per round and no commands. The failure is logged at WARN with the tenant and the
 * failure kind, never key bytes. One tenant's failure never stops the round.
 *
 * <p>Metrics ({@link #bindTo}): the {@value #SEALED} gauge, the sealed tenants this instance owned
 * in its last round (so it lags by up to one period, and reads 0 while the store is rebalancing);
 * the sum over the instances is the cluster's count.
 */
public final class SealWatcher implements Worker, MeterBinder {

  /** Sealed tenants as of the last round: {@code keyledger_tenants_sealed} in Prometheus. */
  public static final String SEALED = "keyledger.tenants.sealed";

  private static final Logger LOG = LoggerFactory.getLogger(SealWatcher.class);

  private final TenantKeyring keyring;
  private final LocalTenants tenants;
  private final WorkerCommands commands;
  private final String instanceId;
  private volatile int sealedLastRound;

  public SealWatcher(
      TenantKeyring keyring, LocalTenants tenants, CommandSink sink, String instanceId) {
    this.keyring = Objects.requireNonNull(keyring, "keyring");
    this.tenants = Objects.requireNonNull(tenants, "tenants");
    this.commands = new WorkerCommands(Objects.requireNonNull(sink, "sink"), LOG);
    this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
  }

  @Override
  public void runOnce() {
    int[] sealed = {0};
    TenantRound.forEach(
        tenants,
        state -> TenantStates.status(state) == BindingStatus.SEALED,
        state -> {
          sealed[0]++;
          retry(state);
        },
        LOG);
    sealedLastRound = sealed[0];
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder(SEALED, this, watcher -> watcher.sealedLastRound)
        .description("Sealed tenants this instance owned at the seal watcher's last round")
        .register(registry);
  }

  private void retry(TenantState state) {
    String tenant = state.getTenantId();
    try {
      keyring.verifyCmk(state);
    } catch (GeneralSecurityException e) {
      LOG.warn(
          "tenant {} stays sealed: the CMK still refuses to unwrap ({})",
          tenant,
          UnwrapFailures.kindOf(e));
      return;
    }
    int version = TenantStates.activeTmk(state).orElseThrow().getTmk().getVersion();
    ReportUnwrapSucceeded succeeded =
        ReportUnwrapSucceeded.newBuilder()
            .setTmkVersion(version)
            .setReporter(instanceId)
            .setManual(false)
            .build();
    if (commands.submit(tenant, succeeded, List.of())) {
      LOG.info("tenant {}: the CMK unwraps TMK v{} again, unsealed", tenant, version);
    }
  }
}
