package dev.keyledger.engine.workers;

import dev.keyledger.avro.command.RecordValidation;
import dev.keyledger.avro.command.ReportUnwrapFailed;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.keys.TmkContext;
import dev.keyledger.engine.kms.CmkProbe;
import dev.keyledger.engine.kms.KmsException;
import dev.keyledger.engine.kms.ProbeResult;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-validates the CMK of every active BYOK tenant (SPEC §2, DESIGN: "validator (every 15 min)");
 * scheduled every {@link WorkerSettings#validation()}.
 *
 * <p>Each round, for every owned tenant whose binding is {@code active} and whose active TMK is
 * wrapped by the customer's KMS ({@code customer_kms}), runs a {@link CmkProbe} round trip and
 * folds the result:
 *
 * <ul>
 *   <li>success: {@code RecordValidation} with the probe's latencies (the fold records {@code
 *       last_verified_at});
 *   <li>a failure that {@link dev.keyledger.engine.kms.KmsFailure#sealsTenant() seals} (access
 *       denied, disabled, pending deletion, not found, unreachable...): {@code ReportUnwrapFailed},
 *       which seals the tenant; the {@link SealWatcher} then unseals it once the key is usable
 *       again;
 *   <li>any other failure (throttling, the platform's own credentials missing) says nothing about
 *       the customer's key: logged at WARN, nothing submitted, the tenant stays active.
 * </ul>
 *
 * Pending, sealed and disabled tenants are not probed. Cached keys are left alone: they stay usable
 * until their TTL ends (SPEC §2). One tenant's failure never stops the round.
 */
public final class CmkValidator implements Worker {

  private static final Logger LOG = LoggerFactory.getLogger(CmkValidator.class);

  private final CmkProbe probe;
  private final LocalTenants tenants;
  private final WorkerCommands commands;
  private final String instanceId;

  public CmkValidator(CmkProbe probe, LocalTenants tenants, CommandSink sink, String instanceId) {
    this.probe = Objects.requireNonNull(probe, "probe");
    this.tenants = Objects.requireNonNull(tenants, "tenants");
    this.commands = new WorkerCommands(Objects.requireNonNull(sink, "sink"), LOG);
    this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
  }

  @Override
  public void runOnce() {
    TenantRound.forEach(tenants, CmkValidator::isDue, this::validate, LOG);
  }

  private static boolean isDue(TenantState state) {
    return TenantStates.status(state) == BindingStatus.ACTIVE
        && TenantStates.activeTmk(state)
            .filter(tmk -> "customer_kms".equals(tmk.getTmk().getWrapMethod()))
            .isPresent();
  }

  private void validate(TenantState state) {
    String tenant = state.getTenantId();
    ProbeResult result;
    try {
      result = probe.probe(TmkContext.refOf(state.getBinding().getCmk()), tenant);
    } catch (KmsException e) {
      if (e.failure().sealsTenant()) {
        seal(state, e);
      } else {
        LOG.warn(
            "tenant {}: CMK validation inconclusive ({}), the tenant stays active",
            tenant,
            e.failure().wireName());
      }
      return;
    }
    commands.submit(
        tenant,
        RecordValidation.newBuilder()
            .setEncryptMs(result.encryptMillis())
            .setDecryptMs(result.decryptMillis())
            .setReporter(instanceId)
            .build(),
        List.of());
  }

  private void seal(TenantState state, KmsException e) {
    String tenant = state.getTenantId();
    int version = TenantStates.activeTmk(state).orElseThrow().getTmk().getVersion();
    LOG.warn("tenant {}: CMK validation failed ({}), sealing", tenant, e.failure().wireName());
    commands.submit(
        tenant,
        ReportUnwrapFailed.newBuilder()
            .setTmkVersion(version)
            .setFailure(e.failure().wireName())
            .setMessage(e.getMessage())
            .setReporter(instanceId)
            .build(),
        List.of());
  }
}
