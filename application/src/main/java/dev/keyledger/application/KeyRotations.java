package dev.keyledger.application;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.command.RevokeTmkVersion;
import dev.keyledger.avro.command.RotateDek;
import dev.keyledger.avro.command.RotateMaster;
import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import dev.keyledger.engine.crypto.Keys;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.DekStatus;
import dev.keyledger.engine.domain.KeyRotation;
import dev.keyledger.engine.domain.Operations;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.domain.Waivers;
import dev.keyledger.engine.keys.KeyMint;
import dev.keyledger.engine.keys.KeyUnavailableException;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.engine.keys.TmkContext;
import dev.keyledger.engine.keys.WrappedKey;
import dev.keyledger.engine.kms.KmsException;
import dev.keyledger.envelope.SecretBytes;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;

/**
 * Rotation (DEK, master, full) and cryptographic erasure of a TMK version. New keys are made and
 * wrapped here, then the fold decides; the domain's own pre-checks refuse early, and refusals are
 * audited.
 */
public final class KeyRotations {

  /** Rotation types of {@code POST /api/v1/byok/keys/rotate}. */
  public enum Type {
    DEK,
    MASTER,
    FULL
  }

  private final TenantReader reader;
  private final PlatformKeys platformKeys;
  private final TenantKeyring keyring;
  private final KeyMint mint;
  private final Commands commands;

  public KeyRotations(
      TenantReader reader,
      PlatformKeys platformKeys,
      TenantKeyring keyring,
      KeyMint mint,
      Commands commands) {
    this.reader = reader;
    this.platformKeys = platformKeys;
    this.keyring = keyring;
    this.mint = mint;
    this.commands = commands;
  }

  /**
   * What a rotation did.
   *
   * @param rotationId the command id
   * @param previousDekId the DEK active before (null if none)
   * @param newDekId the DEK active now (null for a master rotation)
   * @param newTmkVersion the new TMK version (null for a DEK rotation)
   * @param rewrapLeaseId the lease of the background rewrap, as the fold gave it (null for a DEK
   *     rotation)
   */
  public record Rotated(
      String rotationId,
      String previousDekId,
      String newDekId,
      Integer newTmkVersion,
      Long rewrapLeaseId) {}

  /**
   * @param automatic true when the engine retires a DEK at its usage limit
   */
  public Outcome<Rotated> rotate(Caller caller, Type type, String reason, boolean automatic) {
    return Stop.outcome(
        () -> {
          TenantState state = platformKeys.ensure(caller);
          Optional<Refusal> refused = KeyRotation.checkRotatable(state);
          if (refused.isEmpty() && !automatic) {
            // An automatic rotation keeps the data plane going; it never waits on paperwork.
            refused = Waivers.checkAcknowledged(state, reader.platform().orElse(null));
          }
          if (refused.isPresent()) {
            throw commands.refuse(caller, Operations.ROTATE, refused.get());
          }
          String previous = TenantStates.activeDek(state).map(DekRef::getDekId).orElse(null);
          return type == Type.DEK
              ? rotateDek(caller, state, reason, automatic, previous)
              : rotateMaster(caller, state, type == Type.FULL, reason, previous);
        });
  }

  private Rotated rotateDek(
      Caller caller, TenantState state, String reason, boolean automatic, String previous) {
    TmkVersionState under = TenantStates.activeTmk(state).orElseThrow();
    int version = TenantStates.nextDekVersion(state);
    String dekId = KeyMint.newId("dek");
    SecretBytes dek = Keys.newAes256();
    WrappedKey wrapped;
    try {
      wrapped = keyring.wrapDek(state, under, dek, dekId, version);
    } catch (KeyUnavailableException e) {
      throw commands.refuse(caller, Operations.ROTATE, unavailable(e));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("wrapping a new DEK failed", e);
    } finally {
      dek.destroy();
    }
    DekRef ref =
        DekRef.newBuilder()
            .setDekId(dekId)
            .setVersion(version)
            .setTmkVersion(under.getTmk().getVersion())
            .setFingerprint(wrapped.fingerprint())
            .build();
    KeyMaterial material =
        KeyMaterial.newBuilder()
            .setTenantId(caller.tenant())
            .setTmk(under.getTmk())
            .setDek(ref)
            .setWrappedKey(ByteBuffer.wrap(wrapped.bytes()))
            .build();
    CommandEnvelope command =
        commands.envelope(
            caller,
            0,
            RotateDek.newBuilder().setDek(ref).setReason(reason).setAutomatic(automatic).build());
    commands.run(command, List.of(material));
    return new Rotated(command.getCommandId(), previous, dekId, null, null);
  }

  private Rotated rotateMaster(
      Caller caller, TenantState state, boolean full, String reason, String previous) {
    int tmkVersion = TenantStates.nextTmkVersion(state);
    Integer dekVersion = full ? TenantStates.nextDekVersion(state) : null;
    BindingState binding = state.getBinding();
    KeyMint.Minted minted;
    try {
      minted =
          TenantStates.status(state) == BindingStatus.ACTIVE
              ? mint.underCmk(
                  caller.tenant(),
                  TmkContext.refOf(binding.getCmk()),
                  binding.getCmk().getKeyArn(),
                  tmkVersion,
                  dekVersion)
              : mint.underPlatformKey(caller.tenant(), tmkVersion, dekVersion);
    } catch (KmsException e) {
      String message =
          e.failure().sealsTenant() ? "CMK inaccessible: " + e.getMessage() : e.getMessage();
      throw commands.refuse(
          caller, Operations.ROTATE, ServiceRefusals.kmsUnavailable(message, e.hint()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("making a new TMK failed", e);
    }
    CommandEnvelope command =
        commands.envelope(
            caller,
            0,
            RotateMaster.newBuilder()
                .setTmk(minted.tmk())
                .setDek(minted.dek())
                .setReason(reason)
                .build());
    CommandOutcome outcome = commands.run(command, minted.material());
    return new Rotated(
        command.getCommandId(),
        previous,
        minted.dek() == null ? null : minted.dek().getDekId(),
        tmkVersion,
        outcome.getRewrapLeaseId());
  }

  /**
   * Cryptographic erasure of one TMK version; the fold refuses the active one, and one that still
   * wraps live DEKs unless {@code allowDataLoss}.
   *
   * @return how many DEKs were lost with it (their data is unrecoverable)
   */
  public Outcome<Long> revoke(Caller caller, int version, String reason, boolean allowDataLoss) {
    return Stop.outcome(
        () -> {
          commands.run(
              caller,
              RevokeTmkVersion.newBuilder()
                  .setVersion(version)
                  .setReason(reason)
                  .setAllowDataLoss(allowDataLoss)
                  .build(),
              List.of());
          keyring.purge(caller.tenant());
          // Reads every DEK record of the tenant: a rare, destructive call may.
          return reader
              .deksNewestFirst(caller.tenant(), Integer.MAX_VALUE, Integer.MAX_VALUE)
              .stream()
              .filter(
                  d ->
                      d.getDek().getTmkVersion() == version && DekStatus.LOST.equals(d.getStatus()))
              .count();
        });
  }

  /**
   * What ending BYOK destroyed.
   *
   * @param destroyedVersions the TMK versions the CMK wrapped, now destroyed
   * @param deksLost the DEKs only those versions wrapped: their data is unrecoverable
   */
  public record EndedByok(List<Integer> destroyedVersions, long deksLost) {}

  /**
   * Ends BYOK by cryptographic erasure, in any bound state (sealed included): every TMK version the
   * CMK wraps is destroyed with its DEKs, the binding becomes {@code revoked}, and the tenant's
   * next use gets new platform-managed keys. Irreversible, so the request names the active version
   * and repeats the tenant's id; a mismatch is refused and audited before anything is sent.
   *
   * @param confirmTenant must equal the caller's tenant
   */
  public Outcome<EndedByok> endByok(
      Caller caller, int version, String confirmTenant, String reason) {
    return Stop.outcome(
        () -> {
          if (!caller.tenant().equals(confirmTenant)) {
            throw commands.refuse(
                caller,
                Operations.REVOKE,
                ServiceRefusals.endByokNotConfirmed(caller.tenant(), version));
          }
          TenantState before =
              reader.tenant(caller.tenant()).orElse(TenantStates.empty(caller.tenant()));
          commands.run(
              caller,
              RevokeTmkVersion.newBuilder()
                  .setVersion(version)
                  .setReason(reason)
                  .setAllowDataLoss(true)
                  .setEndByok(true)
                  .build(),
              List.of());
          keyring.purge(caller.tenant());
          List<TmkVersionState> destroyed = KeyRotation.endedByErasure(before);
          return new EndedByok(
              destroyed.stream().map(v -> v.getTmk().getVersion()).toList(),
              destroyed.stream().mapToLong(TmkVersionState::getLiveDeks).sum());
        });
  }

  private static Refusal unavailable(KeyUnavailableException e) {
    return e.reason() == KeyUnavailableException.Reason.SEALED
            || e.kms().map(k -> k.failure().sealsTenant()).orElse(false)
        ? Refusals.sealedBy(
            e.kms().map(k -> k.failure().wireName()).orElse(null),
            e.kms().map(ServiceRefusals::withAwsCode).orElse(null))
        : ServiceRefusals.kmsUnavailable(e.getMessage(), null);
  }
}
