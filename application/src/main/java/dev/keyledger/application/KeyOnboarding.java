package dev.keyledger.application;

import dev.keyledger.avro.CmkBinding;
import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.avro.command.RecordVerificationFailure;
import dev.keyledger.avro.command.RegisterKey;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.ArnRules;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.Decider;
import dev.keyledger.engine.domain.KmsRef;
import dev.keyledger.engine.domain.Operations;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.domain.RewrapStatus;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.domain.Waivers;
import dev.keyledger.engine.keys.KeyMint;
import dev.keyledger.engine.kms.CmkProbe;
import dev.keyledger.engine.kms.CmkRef;
import dev.keyledger.engine.kms.KmsException;
import dev.keyledger.engine.kms.ProbeResult;
import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * Binding a tenant's CMK (registration on the tenant API, onboarding on the admin API). Everything
 * that talks to KMS happens here, before the command is sent: the probe (wrap and unwrap 32 random
 * bytes) before anything is written, then a new TMK wrapped by the CMK. A tenant without keys gets
 * its platform-managed keys first (after the probe passed), so they serve while the registration
 * waits for the waiver ({@link dev.keyledger.engine.domain.ByokActivation}). A refusal at any step
 * is recorded in the tenant's audit trail.
 */
public final class KeyOnboarding {

  private final KeyMint mint;
  private final CmkProbe probe;
  private final Commands commands;
  private final TenantReader reader;
  private final PlatformKeys platformKeys;

  public KeyOnboarding(
      KeyMint mint,
      CmkProbe probe,
      Commands commands,
      TenantReader reader,
      PlatformKeys platformKeys) {
    this.mint = mint;
    this.probe = probe;
    this.commands = commands;
    this.reader = reader;
    this.platformKeys = platformKeys;
  }

  /**
   * A binding the fold accepted.
   *
   * @param probeEncryptMs how long the probe's wrap took at KMS
   * @param probeDecryptMs how long the probe's unwrap took at KMS
   * @param active whether BYOK is active now (an UPSERT of an active tenant), else it waits for the
   *     waiver
   * @param rewrapStatus what the background rewrap does now: it waits for the waiver when the new
   *     version does
   */
  public record Bound(
      String keyId,
      CmkBinding cmk,
      TmkRef tmk,
      long probeEncryptMs,
      long probeDecryptMs,
      boolean active,
      RewrapStatus rewrapStatus) {}

  /**
   * Registration (tenant API) or onboarding (admin API, an UPSERT): checks the request, probes the
   * CMK before anything is written, then binds it with a new TMK version it wraps.
   */
  /**
   * Audits a registration the edge refused before it could call {@link #bind} (a body with static
   * credentials, an unknown provider, malformed input), so every refused registration is in the
   * tenant's trail. Best effort: the caller's answer does not depend on it.
   */
  public void refusedBeforeBind(Caller caller, Refusal refusal) {
    commands.refuse(caller, Operations.REGISTER, refusal);
  }

  public Outcome<Bound> bind(Caller caller, OnboardingRequest request) {
    return Stop.outcome(() -> doBind(caller, request));
  }

  private Bound doBind(Caller caller, OnboardingRequest request) {
    KmsRef ref = checkedRef(caller, request);
    String region = request.region() == null ? ref.region() : request.region();
    for (Refusal refusal :
        new Refusal[] {
          request.region() == null ? null : ArnRules.checkRegion(request.region(), ref),
          ArnRules.checkRoleArn(request.roleArn()),
          ArnRules.checkExternalId(request.externalId()),
          request.externalId() != null && request.roleArn() == null
              ? Refusals.externalIdNeedsRole()
              : null
        }) {
      if (refusal != null) {
        throw reject(caller, refusal);
      }
    }
    TenantState state = reader.tenant(caller.tenant()).orElse(TenantStates.empty(caller.tenant()));
    Optional<Refusal> bound = Decider.checkMayRegister(state, request.dialect());
    if (bound.isEmpty()) {
      bound = Waivers.checkAcknowledged(state, reader.platform().orElse(null));
    }
    if (bound.isPresent()) {
      throw reject(caller, bound.get());
    }
    CmkRef cmkRef =
        request.roleArn() == null
            ? CmkRef.aws(request.keyRef(), region)
            : CmkRef.awsWithRole(request.keyRef(), region, request.roleArn(), request.externalId());
    long started = System.nanoTime();
    ProbeResult probed;
    KeyMint.Minted minted;
    try {
      probed = probe.probe(cmkRef, caller.tenant());
    } catch (KmsException e) {
      throw verificationFailed(caller, request, e, elapsedMs(started));
    }
    state = platformKeysFirst(caller);
    try {
      minted =
          mint.underCmk(
              caller.tenant(),
              cmkRef.withKeyRef(probed.key().keyArn()),
              probed.key().keyArn(),
              TenantStates.nextTmkVersion(state),
              null);
    } catch (KmsException e) {
      throw verificationFailed(caller, request, e, elapsedMs(started));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("wrapping a new TMK under the CMK failed", e);
    }
    TmkRef tmk = minted.tmk();
    CmkBinding binding =
        CmkBinding.newBuilder()
            .setProvider("aws")
            .setKeyRef(request.keyRef())
            .setKeyArn(probed.key().keyArn())
            .setRegion(region)
            .setRoleArn(request.roleArn())
            .setExternalId(request.externalId())
            .setKeyAlias(request.alias())
            .setDescription(request.description())
            .build();
    String keyId = KeyMint.newId(Decider.DIALECT_BYOK.equals(request.dialect()) ? "byok" : "kms");
    RegisterKey register =
        RegisterKey.newBuilder()
            .setDialect(request.dialect())
            .setKeyId(keyId)
            .setCmk(binding)
            .setTmk(tmk)
            .setDek(minted.dek())
            .setProbeEncryptMs(probed.encryptMillis())
            .setProbeDecryptMs(probed.decryptMillis())
            .build();
    commands.run(commands.envelope(caller, elapsedMs(started), register), minted.material());
    TenantState after = reader.tenant(caller.tenant()).orElseThrow();
    return new Bound(
        keyId,
        binding,
        tmk,
        probed.encryptMillis(),
        probed.decryptMillis(),
        TenantStates.status(after) == BindingStatus.ACTIVE,
        RewrapStatus.of(after));
  }

  /**
   * The tenant's platform-managed keys, made first when it has none. Their command's 202 is never
   * the registration's answer: the caller would take the provisioning's outcome for its key's.
   */
  private TenantState platformKeysFirst(Caller caller) {
    try {
      return platformKeys.ensure(caller);
    } catch (Stop stop) {
      if (stop.pending()) {
        throw Stop.unavailable(ServiceRefusals.keysBeingProvisioned(), 1);
      }
      throw stop;
    }
  }

  private KmsRef checkedRef(Caller caller, OnboardingRequest request) {
    ArnRules.Checked checked = Decider.checkKeyRef(request.dialect(), request.keyRef());
    if (checked instanceof ArnRules.Checked.Refused refused) {
      throw reject(caller, refused.refusal());
    }
    return ((ArnRules.Checked.Ok) checked).ref();
  }

  private Stop reject(Caller caller, Refusal refusal) {
    return reject(caller, Operations.REGISTER, refusal);
  }

  private Stop reject(Caller caller, String operation, Refusal refusal) {
    return commands.refuse(caller, operation, refusal);
  }

  private Stop verificationFailed(
      Caller caller, OnboardingRequest request, KmsException e, long latencyMs) {
    Refusal refusal = ServiceRefusals.verifyFailed(e);
    RecordVerificationFailure failure =
        RecordVerificationFailure.newBuilder()
            .setOperation(Operations.REGISTER)
            .setKeyRef(Optional.ofNullable(request.keyRef()).orElse(""))
            .setFailure(e.failure().wireName())
            .setAwsErrorCode(e.awsErrorCode())
            .setRefusal(refusal)
            .setLatencyMs(latencyMs)
            .build();
    return commands.record(
        commands.envelope(caller, latencyMs, failure),
        ServiceRefusals.verifyFailedAnswer(e, refusal));
  }

  private static long elapsedMs(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }
}
