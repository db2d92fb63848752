package dev.keyledger.engine.domain;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.avro.command.AcknowledgeWaiver;
import dev.keyledger.avro.command.Deregister;
import dev.keyledger.avro.command.LeaseDataKey;
import dev.keyledger.avro.command.NoteClaimAttempt;
import dev.keyledger.avro.command.ProvisionKeys;
import dev.keyledger.avro.command.PublishWaiver;
import dev.keyledger.avro.command.RecordHealthCheck;
import dev.keyledger.avro.command.RecordRewrapBatch;
import dev.keyledger.avro.command.RecordUsage;
import dev.keyledger.avro.command.RecordValidation;
import dev.keyledger.avro.command.RecordVerificationFailure;
import dev.keyledger.avro.command.RefuseClaim;
import dev.keyledger.avro.command.RegisterKey;
import dev.keyledger.avro.command.RejectRequest;
import dev.keyledger.avro.command.ReportUnwrapFailed;
import dev.keyledger.avro.command.ReportUnwrapSucceeded;
import dev.keyledger.avro.command.ReserveEncryptions;
import dev.keyledger.avro.command.RevokeTmkVersion;
import dev.keyledger.avro.command.RotateDek;
import dev.keyledger.avro.command.RotateMaster;
import dev.keyledger.avro.command.SettleClaims;
import dev.keyledger.avro.event.ByokActivated;
import dev.keyledger.avro.event.ClaimAttempted;
import dev.keyledger.avro.event.CommandRefused;
import dev.keyledger.avro.event.DekCreated;
import dev.keyledger.avro.event.HealthChecked;
import dev.keyledger.avro.event.KeyDeregistered;
import dev.keyledger.avro.event.KeyRegistered;
import dev.keyledger.avro.event.KeyValidated;
import dev.keyledger.avro.event.KeyVerificationFailed;
import dev.keyledger.avro.event.KeysProvisioned;
import dev.keyledger.avro.event.TenantSealed;
import dev.keyledger.avro.event.TenantUnsealed;
import dev.keyledger.avro.event.TmkRewrapped;
import dev.keyledger.avro.event.TmkVersionAdded;
import dev.keyledger.avro.event.UsageRecorded;
import dev.keyledger.avro.event.WaiverAcknowledged;
import dev.keyledger.avro.event.WaiverPublished;
import dev.keyledger.avro.state.TenantState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code decide(state, command) -> events | refusal}: every rule of the tenant key lifecycle (SPEC
 * §2, §3). Pure: no clock, no randomness, no I/O; time and ids arrive inside the command, so a
 * replay decides the same way.
 */
public final class Decider {

  /** Dialect of {@code /api/v1/byok}: one key per organization. */
  public static final String DIALECT_BYOK = "byok_v1";

  /** Dialect of {@code /admin/tenant-kms}: onboarding is an UPSERT. */
  public static final String DIALECT_TENANT_KMS = "tenant_kms";

  private Decider() {}

  /**
   * @param deks the tenant's DEK records, read only by the commands that name DEKs
   */
  public static Decision decide(TenantState state, DekRecords deks, CommandEnvelope command) {
    Object payload = command.getPayload();
    boolean platform = TenantIds.PLATFORM.equals(command.getTenantId());
    if (payload instanceof PublishWaiver publish) {
      return platform
          ? publishWaiver(state, publish)
          : refuse(Operations.of(payload), Refusals.platformOnly());
    }
    if (platform) {
      return refuse(Operations.of(payload), Refusals.reservedTenant());
    }
    if (payload instanceof ProvisionKeys provision) {
      return provision(state, provision);
    }
    if (payload instanceof RegisterKey register) {
      return register(state, register);
    }
    if (payload instanceof RefuseClaim refused) {
      return refuse(Operations.REGISTER, Refusals.boundToAnotherTenant(refused.getResources()));
    }
    if (payload instanceof NoteClaimAttempt attempt) {
      return Decision.accept(
          ClaimAttempted.newBuilder().setResources(attempt.getResources()).build());
    }
    if (payload instanceof SettleClaims) {
      return refuse(Operations.SETTLE_CLAIMS, Refusals.notForTheFold());
    }
    if (payload instanceof RecordVerificationFailure failure) {
      return Decision.refuse(
          failure.getRefusal(),
          KeyVerificationFailed.newBuilder()
              .setOperation(failure.getOperation())
              .setKeyRef(failure.getKeyRef())
              .setFailure(failure.getFailure())
              .setAwsErrorCode(failure.getAwsErrorCode())
              .setRefusal(failure.getRefusal())
              .build());
    }
    if (payload instanceof RejectRequest reject) {
      return refuse(reject.getOperation(), reject.getRefusal());
    }
    if (payload instanceof AcknowledgeWaiver ack) {
      return acknowledge(state, ack);
    }
    if (payload instanceof Deregister deregister) {
      return deregister(state, deregister);
    }
    if (payload instanceof ReportUnwrapFailed failed) {
      return unwrapFailed(state, failed);
    }
    if (payload instanceof ReportUnwrapSucceeded succeeded) {
      return unwrapSucceeded(state, succeeded);
    }
    if (payload instanceof RotateDek rotate) {
      return KeyRotation.rotateDek(state, rotate);
    }
    if (payload instanceof RotateMaster rotate) {
      return KeyRotation.rotateMaster(state, rotate);
    }
    if (payload instanceof RecordRewrapBatch batch) {
      return KeyRotation.rewrapBatch(state, deks, batch);
    }
    if (payload instanceof RevokeTmkVersion revoke) {
      return KeyRotation.revoke(state, revoke);
    }
    if (payload instanceof RecordUsage usage) {
      return TenantStates.activeTmk(state).isEmpty()
          ? refuse(Operations.USAGE, Refusals.noKey())
          : Decision.accept(
              UsageRecorded.newBuilder()
                  .setEncryptions(usage.getEncryptions())
                  .setDecryptions(usage.getDecryptions())
                  .setFailures(usage.getFailures())
                  .setLastUsed(usage.getLastUsed())
                  .setPerDek(usage.getPerDek())
                  .setReporter(usage.getReporter())
                  .build());
    }
    if (payload instanceof ReserveEncryptions reserve) {
      return EncryptionReservations.reserve(state, deks, reserve);
    }
    if (payload instanceof LeaseDataKey lease) {
      return DataKeyLeases.lease(state, deks, lease);
    }
    if (payload instanceof RecordValidation validation) {
      return TenantStates.status(state) != BindingStatus.ACTIVE
          ? Decision.accept()
          : Decision.accept(
              KeyValidated.newBuilder()
                  .setEncryptMs(validation.getEncryptMs())
                  .setDecryptMs(validation.getDecryptMs())
                  .build());
    }
    if (payload instanceof RecordHealthCheck check) {
      return healthChecked(state, check);
    }
    throw new IllegalArgumentException("no rule for command " + payload.getClass().getName());
  }

  /**
   * Platform-managed keys for a tenant without an active TMK (never had keys, or BYOK ended by
   * erasure). A tenant that has one already (a concurrent first call won) is left as it is: the
   * command is a no-op and its unused key material is tombstoned ({@link Erasure}).
   */
  private static Decision provision(TenantState state, ProvisionKeys provision) {
    if (TenantStates.activeTmk(state).isPresent()) {
      return Decision.accept();
    }
    TmkRef tmk = provision.getTmk();
    if (!"platform".equals(tmk.getWrapMethod())) {
      return refuse(Operations.PROVISION, Refusals.notPlatformWrapped(tmk.getWrapMethod()));
    }
    int expected = TenantStates.nextTmkVersion(state);
    if (tmk.getVersion() != expected) {
      return refuse(Operations.PROVISION, Refusals.staleVersion(expected, tmk.getVersion()));
    }
    if (!KeyRotation.fitsNextDek(state, provision.getDek(), tmk.getVersion())) {
      return refuse(
          Operations.PROVISION, KeyRotation.staleDek(state, provision.getDek(), tmk.getVersion()));
    }
    return Decision.accept(
        KeysProvisioned.newBuilder()
            .setTmkVersion(tmk.getVersion())
            .setDekVersion(provision.getDek().getVersion())
            .build(),
        TmkVersionAdded.newBuilder().setTmk(tmk).build(),
        DekCreated.newBuilder()
            .setDek(provision.getDek())
            .setReason("provisioned")
            .setAutomatic(true)
            .build());
  }

  private static Decision register(TenantState state, RegisterKey register) {
    BindingStatus status = TenantStates.status(state);
    boolean upsert = DIALECT_TENANT_KMS.equals(register.getDialect());
    Optional<Refusal> bound = checkMayRegister(state, register.getDialect());
    if (bound.isPresent()) {
      return refuse(Operations.REGISTER, bound.get());
    }
    ArnRules.Checked checked = checkKeyRef(register.getDialect(), register.getCmk().getKeyRef());
    if (checked instanceof ArnRules.Checked.Refused refused) {
      return refuse(Operations.REGISTER, refused.refusal());
    }
    int expected = TenantStates.nextTmkVersion(state);
    TmkRef tmk = register.getTmk();
    if (tmk.getVersion() != expected) {
      return refuse(Operations.REGISTER, Refusals.staleVersion(expected, tmk.getVersion()));
    }
    KeyRegistered registered =
        KeyRegistered.newBuilder()
            .setDialect(register.getDialect())
            .setKeyId(register.getKeyId())
            .setCmk(register.getCmk())
            .setProbeEncryptMs(register.getProbeEncryptMs())
            .setProbeDecryptMs(register.getProbeDecryptMs())
            .build();
    boolean waits = ByokActivation.registrationWaits(state);
    if (waits && register.getDek() != null) {
      return refuse(Operations.REGISTER, Refusals.dekBeforeWaiver());
    }
    List<Object> events =
        new ArrayList<>(
            List.of(
                registered,
                TmkVersionAdded.newBuilder().setTmk(tmk).setAwaitsWaiver(waits).build()));
    if (register.getDek() != null) {
      if (!KeyRotation.fitsNextDek(state, register.getDek(), tmk.getVersion())) {
        return refuse(
            Operations.REGISTER, KeyRotation.staleDek(state, register.getDek(), tmk.getVersion()));
      }
      events.add(
          DekCreated.newBuilder()
              .setDek(register.getDek())
              .setReason("initial")
              .setAutomatic(true)
              .build());
    }
    if (!waits) {
      KeyRotation.startRewrap(state, tmk.getVersion(), events, false);
    }
    if (upsert && status == BindingStatus.ACTIVE && state.getBinding().getWaiverVersion() != null) {
      // Re-onboarding an active tenant keeps its acknowledged waiver: the binding stays active.
      events.add(ByokActivated.newBuilder().setKeyId(register.getKeyId()).build());
    }
    return new Decision(events, Optional.empty());
  }

  /**
   * The key reference of a registration as its dialect allows it: a key ARN on the tenant API, a
   * key or alias ARN on the admin API. Public so a sender can refuse before it calls KMS; the fold
   * applies the same rule.
   */
  public static ArnRules.Checked checkKeyRef(String dialect, String keyRef) {
    return DIALECT_BYOK.equals(dialect)
        ? ArnRules.keyArnOnly(keyRef)
        : ArnRules.keyOrAlias(keyRef, "kms_key_ref");
  }

  /**
   * Refused when the tenant API registers a key for a tenant that has one (the admin API is an
   * UPSERT).
   */
  public static Optional<Refusal> checkMayRegister(TenantState state, String dialect) {
    return TenantStates.status(state).isBound() && !DIALECT_TENANT_KMS.equals(dialect)
        ? Optional.of(Refusals.alreadyRegistered(state.getBinding().getCmk().getKeyArn()))
        : Optional.empty();
  }

  private static Decision acknowledge(TenantState state, AcknowledgeWaiver ack) {
    BindingStatus status = TenantStates.status(state);
    if (!status.isBound()) {
      return refuse(Operations.ACKNOWLEDGE_WAIVER, Refusals.noKey());
    }
    WaiverAcknowledged acknowledged =
        WaiverAcknowledged.newBuilder()
            .setWaiverVersion(ack.getWaiverVersion())
            .setAcknowledgedBy(ack.getAcknowledgedBy())
            .setAcknowledgedTerms(ack.getAcknowledgedTerms())
            .build();
    List<Object> events = new ArrayList<>(List.of(acknowledged));
    if (status == BindingStatus.PENDING_WAIVER) {
      ByokActivation.activate(state, events);
    }
    return new Decision(events, Optional.empty());
  }

  private static Decision deregister(TenantState state, Deregister deregister) {
    if (!TenantStates.status(state).isBound()) {
      return refuse(Operations.DEREGISTER, Refusals.noKey());
    }
    Set<Integer> live =
        state.getTmkVersions().stream()
            .filter(v -> !TmkStatus.DESTROYED.wire().equals(v.getStatus()))
            .map(v -> v.getTmk().getVersion())
            .collect(Collectors.toCollection(TreeSet::new));
    Set<Integer> given =
        deregister.getRewrapped().stream()
            .map(TmkRef::getVersion)
            .collect(Collectors.toCollection(TreeSet::new));
    boolean allPlatform =
        deregister.getRewrapped().stream().allMatch(t -> "platform".equals(t.getWrapMethod()));
    if (!live.equals(given) || !allPlatform) {
      return refuse(
          Operations.DEREGISTER,
          Refusals.incompleteRewrap("live versions " + live + ", re-wrapped " + given));
    }
    List<Object> events = new ArrayList<>();
    for (TmkRef tmk : deregister.getRewrapped()) {
      events.add(TmkRewrapped.newBuilder().setTmk(tmk).build());
    }
    events.add(
        KeyDeregistered.newBuilder()
            .setKeyId(state.getBinding().getKeyId())
            .setReason(deregister.getReason())
            .build());
    return new Decision(events, Optional.empty());
  }

  private static Decision unwrapFailed(TenantState state, ReportUnwrapFailed failed) {
    if (TenantStates.status(state) != BindingStatus.ACTIVE) {
      // Already sealed (several instances may report one failure), or BYOK not active: nothing to
      // seal,
      // and unsealing must never be a way into "active" around the waiver.
      return Decision.accept();
    }
    return Decision.accept(
        TenantSealed.newBuilder()
            .setTmkVersion(failed.getTmkVersion())
            .setFailure(failed.getFailure())
            .setMessage(failed.getMessage())
            .setReporter(failed.getReporter())
            .build());
  }

  /**
   * A live health check is recorded for every tenant with keys (a CMK round trip under BYOK, a
   * platform-key round trip otherwise); one whose failure proves the key unusable seals an active
   * tenant, as an unwrap failure would.
   */
  private static Decision healthChecked(TenantState state, RecordHealthCheck check) {
    if (TenantStates.activeTmk(state).isEmpty()) {
      return refuse(Operations.HEALTH_CHECK, Refusals.noKey());
    }
    List<Object> events = new ArrayList<>();
    events.add(
        HealthChecked.newBuilder()
            .setEncryptMs(check.getEncryptMs())
            .setDecryptMs(check.getDecryptMs())
            .setFailure(check.getFailure())
            .setMessage(check.getMessage())
            .setAwsErrorCode(check.getAwsErrorCode())
            .build());
    if (check.getSeal() && TenantStates.status(state) == BindingStatus.ACTIVE) {
      events.add(
          TenantSealed.newBuilder()
              .setTmkVersion(TenantStates.activeTmk(state).orElseThrow().getTmk().getVersion())
              .setFailure(check.getFailure())
              .setMessage(check.getMessage())
              .setReporter(check.getReporter())
              .build());
    }
    return new Decision(events, Optional.empty());
  }

  private static Decision unwrapSucceeded(TenantState state, ReportUnwrapSucceeded succeeded) {
    if (TenantStates.status(state) != BindingStatus.SEALED) {
      return succeeded.getManual()
          ? refuse(Operations.UNSEAL, Refusals.notSealed())
          : Decision.accept();
    }
    return Decision.accept(
        TenantUnsealed.newBuilder()
            .setTmkVersion(succeeded.getTmkVersion())
            .setReporter(succeeded.getReporter())
            .setManual(succeeded.getManual())
            .build());
  }

  private static Decision publishWaiver(TenantState state, PublishWaiver publish) {
    String version = publish.getWaiver().getWaiverVersion();
    if (version.equals(Waivers.current(state).getWaiverVersion())) {
      return refuse(Operations.PUBLISH_WAIVER, Refusals.waiverVersionExists(version));
    }
    return Decision.accept(WaiverPublished.newBuilder().setWaiver(publish.getWaiver()).build());
  }

  static Decision refuse(String operation, Refusal refusal) {
    return Decision.refuse(
        refusal, CommandRefused.newBuilder().setOperation(operation).setRefusal(refusal).build());
  }
}
