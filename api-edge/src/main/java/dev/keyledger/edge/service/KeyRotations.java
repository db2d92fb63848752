package dev.keyledger.edge.service;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.command.RejectRequest;
import dev.keyledger.avro.command.ReportUnwrapSucceeded;
import dev.keyledger.avro.command.RevokeTmkVersion;
import dev.keyledger.avro.command.RotateDek;
import dev.keyledger.avro.command.RotateMaster;
import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.engine.crypto.Keys;
import dev.keyledger.engine.crypto.SecretBytes;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.DekStatus;
import dev.keyledger.engine.domain.Operations;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.keys.KeyMint;
import dev.keyledger.engine.keys.KeyUnavailableException;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.engine.keys.TmkContext;
import dev.keyledger.engine.keys.WrappedKey;
import dev.keyledger.engine.kms.KmsException;
import dev.keyledger.engine.kms.KmsFailure;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * Rotation (DEK, master, full), cryptographic erasure of a TMK version, and the manual unseal. New
 * keys are made and wrapped here, then the fold decides; refusals are audited.
 */
public final class KeyRotations {

  /** Rotation types of {@code POST /api/v1/byok/keys/rotate}. */
  public enum Type { DEK, MASTER, FULL }

  private final TenantReader reader;
  private final TenantKeyring keyring;
  private final KeyMint mint;
  private final CommandFactory commands;
  private final CommandRunner runner;

  public KeyRotations(TenantReader reader, TenantKeyring keyring, KeyMint mint, CommandFactory commands, CommandRunner runner) {
    this.reader = reader;
    this.keyring = keyring;
    this.mint = mint;
    this.commands = commands;
    this.runner = runner;
  }

  /**
   * What a rotation did.
   *
   * @param rotationId the command id
   * @param previousDekId the DEK active before (null if none)
   * @param newDekId the DEK active now (null for a master rotation)
   * @param newTmkVersion the new TMK version (null for a DEK rotation)
   * @param rewrapLeaseId the lease of the background rewrap (null for a DEK rotation)
   */
  public record Rotated(String rotationId, String previousDekId, String newDekId, Integer newTmkVersion, Long rewrapLeaseId) {}

  public Rotated rotate(KeyOnboarding.Caller caller, Type type, String reason, boolean automatic) {
    TenantState state = reader.tenant(caller.tenant()).orElse(TenantStates.empty(caller.tenant()));
    BindingStatus status = TenantStates.status(state);
    if (status == BindingStatus.SEALED) {
      throw reject(caller, Operations.ROTATE, Refusals.sealed());
    }
    if (status != BindingStatus.ACTIVE && status != BindingStatus.DISABLED || TenantStates.activeTmk(state).isEmpty()) {
      throw reject(caller, Operations.ROTATE, Refusals.notActive(status));
    }
    String previous = TenantStates.activeDek(state).map(d -> d.getDek().getDekId()).orElse(null);
    return type == Type.DEK ? rotateDek(caller, state, reason, automatic, previous) : rotateMaster(caller, state, type == Type.FULL, reason, previous);
  }

  private Rotated rotateDek(KeyOnboarding.Caller caller, TenantState state, String reason, boolean automatic, String previous) {
    TmkVersionState under = TenantStates.activeTmk(state).orElseThrow();
    int version = TenantStates.nextDekVersion(state);
    String dekId = KeyMint.newId("dek");
    SecretBytes dek = Keys.newAes256();
    WrappedKey wrapped;
    try {
      wrapped = keyring.wrapDek(state, under, dek, dekId, version);
    } catch (KeyUnavailableException e) {
      throw reject(caller, Operations.ROTATE, unavailable(e));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("wrapping a new DEK failed", e);
    } finally {
      dek.destroy();
    }
    DekRef ref = DekRef.newBuilder().setDekId(dekId).setVersion(version).setTmkVersion(under.getTmk().getVersion())
        .setFingerprint(wrapped.fingerprint()).build();
    KeyMaterial material = KeyMaterial.newBuilder().setTenantId(caller.tenant()).setTmk(under.getTmk()).setDek(ref)
        .setWrappedKey(ByteBuffer.wrap(wrapped.bytes())).build();
    CommandEnvelope command = command(caller, RotateDek.newBuilder().setDek(ref).setReason(reason).setAutomatic(automatic).build());
    runner.run(command, List.of(material));
    return new Rotated(command.getCommandId(), previous, dekId, null, null);
  }

  private Rotated rotateMaster(KeyOnboarding.Caller caller, TenantState state, boolean full, String reason, String previous) {
    int tmkVersion = TenantStates.nextTmkVersion(state);
    Integer dekVersion = full ? TenantStates.nextDekVersion(state) : null;
    BindingState binding = state.getBinding();
    KeyMint.Minted minted;
    try {
      minted = TenantStates.status(state) == BindingStatus.ACTIVE
          ? mint.underCmk(caller.tenant(), TmkContext.refOf(binding.getCmk()), binding.getCmk().getKeyArn(), tmkVersion, dekVersion)
          : mint.underPlatformKey(caller.tenant(), tmkVersion, dekVersion);
    } catch (KmsException e) {
      throw reject(caller, Operations.ROTATE, e.failure().sealsTenant() ? Refusals.of("kms_unavailable", "BYOK_006", 503,
          "CMK inaccessible: " + e.getMessage(), e.hint()) : Refusals.of("kms_unavailable", "BYOK_006", 503, e.getMessage(), e.hint()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("making a new TMK failed", e);
    }
    CommandEnvelope command = command(caller, RotateMaster.newBuilder().setTmk(minted.tmk()).setDek(minted.dek()).setReason(reason).build());
    CommandOutcome outcome = runner.run(command, minted.material());
    // Events: TmkVersionAdded, [DekCreated], RewrapStarted: the lease id is the seq of RewrapStarted.
    long lease = outcome.getFirstSeq() + (full ? 2 : 1);
    return new Rotated(command.getCommandId(), previous, minted.dek() == null ? null : minted.dek().getDekId(), tmkVersion, lease);
  }

  /**
   * Cryptographic erasure of one TMK version; the fold refuses the active one, and one that still
   * wraps live DEKs unless {@code allowDataLoss}.
   *
   * @return how many DEKs were lost with it (their data is unrecoverable)
   */
  public long revoke(KeyOnboarding.Caller caller, int version, String reason, boolean allowDataLoss) {
    runner.run(command(caller, RevokeTmkVersion.newBuilder().setVersion(version).setReason(reason).setAllowDataLoss(allowDataLoss).build()),
        List.of());
    keyring.purge(caller.tenant());
    TenantState state = reader.tenant(caller.tenant()).orElseThrow();
    return state.getDeks().stream().filter(d -> d.getDek().getTmkVersion() == version && DekStatus.LOST.equals(d.getStatus())).count();
  }

  /** SPEC §3b unseal: try the CMK now; 404 no_kms_config, 409 not_sealed, 502 unseal_failed. */
  public void unseal(KeyOnboarding.Caller caller) {
    TenantState state = reader.tenant(caller.tenant()).filter(s -> s.getBinding() != null)
        .orElseThrow(() -> new ApiException(404, "no_kms_config", null, "No KMS configuration for this tenant", null, null));
    if (TenantStates.status(state) == BindingStatus.SEALED) {
      try {
        keyring.verifyCmk(state);
      } catch (KeyUnavailableException e) {
        String reason = e.kms().map(k -> k.failure() == KmsFailure.UNREACHABLE || k.failure() == KmsFailure.TIMEOUT
            || k.failure() == KmsFailure.UNAVAILABLE ? "unreachable" : "access_denied").orElse("access_denied");
        throw new ApiException(502, "unseal_failed", reason, "Unseal failed (" + reason + "): "
            + e.kms().map(Throwable::getMessage).orElse(e.getMessage()), e.kms().map(KmsException::hint).orElse(null), null);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("unwrapping the active TMK failed", e);
      }
    }
    int active = TenantStates.activeTmk(state).map(v -> v.getTmk().getVersion()).orElse(0);
    runner.run(command(caller, ReportUnwrapSucceeded.newBuilder().setTmkVersion(active).setReporter("manual:" + caller.principal().sub())
        .setManual(true).build()), List.of());
  }

  private static Refusal unavailable(KeyUnavailableException e) {
    return e.reason() == KeyUnavailableException.Reason.SEALED || e.kms().map(k -> k.failure().sealsTenant()).orElse(false)
        ? Refusals.sealed() : Refusals.of("kms_unavailable", "BYOK_006", 503, e.getMessage(), null);
  }

  private ApiException reject(KeyOnboarding.Caller caller, String operation, Refusal refusal) {
    return runner.refuse(command(caller, RejectRequest.newBuilder().setOperation(operation).setRefusal(refusal).build()), ApiException.of(refusal));
  }

  private CommandEnvelope command(KeyOnboarding.Caller caller, Object payload) {
    return commands.create(caller.tenant(), caller.principal(), caller.ip(), caller.requestId(), 0, payload);
  }
}
