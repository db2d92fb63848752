package dev.keyledger.application;

import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.avro.command.Deregister;
import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import dev.keyledger.engine.crypto.KeyFingerprint;
import dev.keyledger.engine.crypto.PlatformKeyWrapper;
import dev.keyledger.engine.crypto.WrapContext;
import dev.keyledger.engine.domain.MaterialKeys;
import dev.keyledger.engine.domain.Operations;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.domain.TmkStatus;
import dev.keyledger.engine.keys.KeyMint;
import dev.keyledger.engine.keys.TmkContext;
import dev.keyledger.engine.kms.CmkRef;
import dev.keyledger.engine.kms.CustomerKms;
import dev.keyledger.engine.kms.KmsException;
import dev.keyledger.envelope.SecretBytes;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Unbinding a tenant's CMK ({@code DELETE /api/v1/byok/keys}): every live TMK version is unwrapped
 * through the CMK and wrapped under the platform key before the command is sent, so data stays
 * readable once BYOK ends. Needs the CMK one last time; refused (and audited) without a binding,
 * and with 409 {@code cmk_inaccessible} when the CMK refuses (a sealed tenant): its hint names the
 * two ways out, restoring access and retrying, or ending BYOK by erasure ({@link
 * KeyRotations#endByok}).
 */
public final class KeyDeregistration {

  private final CustomerKms kms;
  private final PlatformKeyWrapper platformKey;
  private final Commands commands;
  private final TenantReader reader;

  public KeyDeregistration(
      CustomerKms kms, PlatformKeyWrapper platformKey, Commands commands, TenantReader reader) {
    this.kms = kms;
    this.platformKey = platformKey;
    this.commands = commands;
    this.reader = reader;
  }

  /**
   * Ends BYOK: every live TMK version is re-wrapped under the platform key, so data stays readable.
   *
   * @return the TMK versions as they are wrapped now
   */
  public Outcome<List<TmkRef>> unbind(Caller caller, String reason) {
    return Stop.outcome(() -> doUnbind(caller, reason));
  }

  private List<TmkRef> doUnbind(Caller caller, String reason) {
    TenantState state = reader.tenant(caller.tenant()).orElse(TenantStates.empty(caller.tenant()));
    if (!TenantStates.status(state).isBound()) {
      throw commands.refuse(caller, Operations.DEREGISTER, Refusals.noKey());
    }
    BindingState binding = state.getBinding();
    CmkRef cmkRef = TmkContext.refOf(binding.getCmk());
    List<TmkRef> rewrapped = new ArrayList<>();
    List<KeyMaterial> material = new ArrayList<>();
    for (TmkVersionState version : state.getTmkVersions()) {
      if (TmkStatus.DESTROYED.wire().equals(version.getStatus())) {
        continue;
      }
      TmkRef current = version.getTmk();
      if ("platform".equals(current.getWrapMethod())) {
        rewrapped.add(current);
        continue;
      }
      String movedId = KeyMint.newId("tmk");
      CmkRef wrappedBy = TmkContext.cmkOf(state, version).map(TmkContext::refOf).orElse(cmkRef);
      byte[] wrapped = rewrapUnderPlatformKey(caller, state, wrappedBy, current, movedId);
      TmkRef moved =
          TmkRef.newBuilder()
              .setTmkId(movedId)
              .setVersion(current.getVersion())
              .setWrapMethod("platform")
              .setFingerprint(KeyFingerprint.of(wrapped))
              .setCmkKeyArn(null)
              .build();
      rewrapped.add(moved);
      material.add(
          KeyMaterial.newBuilder()
              .setTenantId(caller.tenant())
              .setTmk(moved)
              .setWrappedKey(ByteBuffer.wrap(wrapped))
              .build());
    }
    commands.run(
        caller,
        Deregister.newBuilder().setRewrapped(rewrapped).setReason(reason).build(),
        material);
    return rewrapped;
  }

  /**
   * Unwraps a TMK version through the CMK and wraps it under the platform key as {@code newTmkId}.
   */
  private byte[] rewrapUnderPlatformKey(
      Caller caller, TenantState state, CmkRef cmkRef, TmkRef current, String newTmkId) {
    KeyMaterial stored =
        TenantReader.value(
                reader.queries().keyMaterial(MaterialKeys.tmk(caller.tenant(), current.getTmkId())))
            .orElseThrow(
                () ->
                    commands.refuse(
                        caller,
                        Operations.DEREGISTER,
                        ServiceRefusals.keyMaterialMissing(current.getVersion())));
    byte[] plaintext = null;
    SecretBytes tmk = null;
    try {
      plaintext =
          kms.decrypt(
              cmkRef,
              TmkContext.encryptionContext(caller.tenant(), current.getVersion()),
              bytes(stored.getWrappedKey()));
      tmk = SecretBytes.copyOf(plaintext);
      return platformKey.wrap(
          tmk,
          new WrapContext(
              caller.tenant(), newTmkId, current.getVersion(), WrapContext.Purpose.TMK));
    } catch (KmsException e) {
      // Sealed or not, the CMK refuses: audited, with both ways out (restore access, or erasure).
      throw commands.refuse(
          caller,
          Operations.DEREGISTER,
          ServiceRefusals.cmkInaccessibleToDeregister(
              current.getVersion(),
              TenantStates.activeTmk(state).orElseThrow().getTmk().getVersion(),
              e));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("platform key wrapping failed", e);
    } finally {
      if (plaintext != null) {
        Arrays.fill(plaintext, (byte) 0);
      }
      if (tmk != null) {
        tmk.destroy();
      }
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }
}
