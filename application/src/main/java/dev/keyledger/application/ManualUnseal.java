package dev.keyledger.application;

import dev.keyledger.avro.command.ReportUnwrapSucceeded;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.Operations;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.keys.KeyUnavailableException;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.engine.kms.KmsException;
import dev.keyledger.engine.kms.KmsFailure;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * SPEC §3b unseal: try the CMK now instead of waiting for the seal watcher. Refused with {@code
 * no_kms_config} without a binding, {@code not_sealed} (by the fold) when there is nothing to
 * unseal, {@code unseal_failed} when KMS still refuses.
 */
public final class ManualUnseal {

  private final TenantReader reader;
  private final TenantKeyring keyring;
  private final Commands commands;

  public ManualUnseal(TenantReader reader, TenantKeyring keyring, Commands commands) {
    this.reader = reader;
    this.keyring = keyring;
    this.commands = commands;
  }

  public Outcome<Void> unseal(Caller caller) {
    return Stop.outcome(
        () -> {
          TenantState state =
              reader
                  .tenant(caller.tenant())
                  .filter(s -> s.getBinding() != null)
                  .orElseThrow(() -> Stop.refused(ServiceRefusals.noKmsConfig()));
          if (TenantStates.status(state) == BindingStatus.SEALED) {
            verifyCmk(caller, state);
          }
          int active = TenantStates.activeTmk(state).map(v -> v.getTmk().getVersion()).orElse(0);
          commands.run(
              caller,
              ReportUnwrapSucceeded.newBuilder()
                  .setTmkVersion(active)
                  .setReporter("manual:" + caller.sub())
                  .setManual(true)
                  .build(),
              List.of());
          return null;
        });
  }

  /** Unwraps the active TMK now; a refusal is audited as a failed {@code unseal}. */
  private void verifyCmk(Caller caller, TenantState state) {
    try {
      keyring.verifyCmk(state);
    } catch (KeyUnavailableException e) {
      String reason =
          e.kms()
              .map(
                  k ->
                      k.failure() == KmsFailure.UNREACHABLE
                              || k.failure() == KmsFailure.TIMEOUT
                              || k.failure() == KmsFailure.UNAVAILABLE
                          ? "unreachable"
                          : "access_denied")
              .orElse("access_denied");
      throw commands.refuse(
          caller,
          Operations.UNSEAL,
          ServiceRefusals.unsealFailed(
              reason,
              e.kms().map(k -> k.failure().wireName()).orElse(null),
              e.kms().map(ServiceRefusals::withAwsCode).orElse(e.getMessage()),
              e.kms().map(KmsException::hint).orElse(null)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("unwrapping the active TMK failed", e);
    }
  }
}
