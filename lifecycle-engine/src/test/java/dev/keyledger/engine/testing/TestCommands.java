package dev.keyledger.engine.testing;

import dev.keyledger.avro.Actor;
import dev.keyledger.avro.CmkBinding;
import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.DekUsage;
import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.avro.WaiverText;
import dev.keyledger.avro.command.AcknowledgeWaiver;
import dev.keyledger.avro.command.Deregister;
import dev.keyledger.avro.command.LeaseDataKey;
import dev.keyledger.avro.command.ProvisionKeys;
import dev.keyledger.avro.command.PublishWaiver;
import dev.keyledger.avro.command.RecordHealthCheck;
import dev.keyledger.avro.command.RecordRewrapBatch;
import dev.keyledger.avro.command.RecordUsage;
import dev.keyledger.avro.command.RecordVerificationFailure;
import dev.keyledger.avro.command.RegisterKey;
import dev.keyledger.avro.command.RejectRequest;
import dev.keyledger.avro.command.ReportUnwrapFailed;
import dev.keyledger.avro.command.ReportUnwrapSucceeded;
import dev.keyledger.avro.command.ReserveEncryptions;
import dev.keyledger.avro.command.RevokeTmkVersion;
import dev.keyledger.avro.command.RotateDek;
import dev.keyledger.avro.command.RotateMaster;
import dev.keyledger.engine.domain.Decider;
import dev.keyledger.engine.domain.RefusalKind;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Builds commands for tests, with a deterministic clock and ids. */
public final class TestCommands {

  public static final String KEY_ARN =
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  public static final String OTHER_KEY_ARN =
      "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";

  private final String tenant;
  private final AtomicLong clock =
      new AtomicLong(Instant.parse("2026-11-01T10:00:00Z").toEpochMilli());
  private final AtomicLong ids = new AtomicLong();

  public TestCommands(String tenant) {
    this.tenant = tenant;
  }

  public CommandEnvelope envelope(Object payload) {
    long n = ids.incrementAndGet();
    return CommandEnvelope.newBuilder()
        .setCommandId(tenant + "-cmd-" + n)
        .setTenantId(tenant)
        .setIssuedAt(Instant.ofEpochMilli(clock.addAndGet(1000)))
        .setActor(
            Actor.newBuilder()
                .setSub("alice@example.com")
                .setRoles(List.of("owner"))
                .setIp("10.0.0.7")
                .build())
        .setPayload(payload)
        .build();
  }

  public CommandEnvelope register(String keyArn, int tmkVersion) {
    return envelope(
        RegisterKey.newBuilder()
            .setDialect(Decider.DIALECT_BYOK)
            .setKeyId("byok_" + ids.get())
            .setCmk(cmk(keyArn))
            .setTmk(tmk(tmkVersion, "customer_kms", keyArn))
            .setProbeEncryptMs(12)
            .setProbeDecryptMs(9)
            .build());
  }

  /** An UPSERT on the admin API binding {@code cmk} (a role, an external id, an alias...). */
  public CommandEnvelope onboard(CmkBinding cmk, int tmkVersion) {
    return envelope(
        RegisterKey.newBuilder()
            .setDialect(Decider.DIALECT_TENANT_KMS)
            .setKeyId("kms_" + ids.get())
            .setCmk(cmk)
            .setTmk(tmk(tmkVersion, "customer_kms", cmk.getKeyArn()))
            .setProbeEncryptMs(12)
            .setProbeDecryptMs(9)
            .build());
  }

  public CommandEnvelope onboard(String keyRef, int tmkVersion) {
    return envelope(
        RegisterKey.newBuilder()
            .setDialect(Decider.DIALECT_TENANT_KMS)
            .setKeyId("kms_" + ids.get())
            .setCmk(cmk(keyRef))
            .setTmk(tmk(tmkVersion, "customer_kms", keyRef))
            .setProbeEncryptMs(12)
            .setProbeDecryptMs(9)
            .build());
  }

  public CommandEnvelope acknowledge(String waiverVersion) {
    return envelope(
        AcknowledgeWaiver.newBuilder()
            .setWaiverVersion(waiverVersion)
            .setAcknowledgedBy("alice@example.com")
            .build());
  }

  public CommandEnvelope deregister(int... versions) {
    List<TmkRef> rewrapped =
        java.util.Arrays.stream(versions).mapToObj(v -> tmk(v, "platform", null)).toList();
    return envelope(Deregister.newBuilder().setRewrapped(rewrapped).setReason("test").build());
  }

  public CommandEnvelope verificationFailed(String keyRef) {
    return envelope(
        RecordVerificationFailure.newBuilder()
            .setOperation("register")
            .setKeyRef(keyRef)
            .setFailure("access_denied")
            .setAwsErrorCode("AccessDeniedException")
            .setRefusal(
                Refusal.newBuilder()
                    .setType("kms_verify_failed")
                    .setCode("BYOK_002")
                    .setKind(RefusalKind.INVALID_REQUEST.wire())
                    .setMessage("Cannot access CMK: AccessDeniedException")
                    .setHint("fix the key policy")
                    .build())
            .build());
  }

  public CommandEnvelope reject(String operation, Refusal refusal) {
    return envelope(RejectRequest.newBuilder().setOperation(operation).setRefusal(refusal).build());
  }

  public CommandEnvelope unwrapFailed() {
    return envelope(
        ReportUnwrapFailed.newBuilder()
            .setTmkVersion(1)
            .setFailure("access_denied")
            .setMessage("CMK inaccessible")
            .setReporter("node-1")
            .build());
  }

  /** A live health check: ok when {@code failure} is null, sealing when {@code seal}. */
  public CommandEnvelope healthCheck(String failure, boolean seal, long encryptMs, long decryptMs) {
    return envelope(
        RecordHealthCheck.newBuilder()
            .setEncryptMs(encryptMs)
            .setDecryptMs(decryptMs)
            .setFailure(failure)
            .setMessage(failure == null ? null : "CMK inaccessible: " + failure)
            .setAwsErrorCode(failure == null ? null : "AccessDeniedException")
            .setSeal(seal)
            .setReporter("node-1")
            .build());
  }

  public CommandEnvelope unwrapSucceeded(boolean manual) {
    return envelope(
        ReportUnwrapSucceeded.newBuilder()
            .setTmkVersion(1)
            .setReporter("node-1")
            .setManual(manual)
            .build());
  }

  public CommandEnvelope publishWaiver(String version) {
    return envelope(
        PublishWaiver.newBuilder()
            .setWaiver(
                WaiverText.newBuilder()
                    .setWaiverVersion(version)
                    .setEffectiveDate("2026-12-01")
                    .setTitle("t")
                    .setContent("c")
                    .setTerms(List.of("a"))
                    .build())
            .build());
  }

  /** Registration that also brings DEK v1 (under TMK v{@code tmkVersion}). */
  public CommandEnvelope registerWithDek(String keyArn, int tmkVersion, int dekVersion) {
    return envelope(
        RegisterKey.newBuilder()
            .setDialect(Decider.DIALECT_BYOK)
            .setKeyId("byok_" + ids.get())
            .setCmk(cmk(keyArn))
            .setTmk(tmk(tmkVersion, "customer_kms", keyArn))
            .setDek(dek(dekVersion, tmkVersion))
            .setProbeEncryptMs(12)
            .setProbeDecryptMs(9)
            .build());
  }

  public CommandEnvelope rotateDek(int dekVersion, int tmkVersion) {
    return envelope(
        RotateDek.newBuilder().setDek(dek(dekVersion, tmkVersion)).setReason("test").build());
  }

  /** A lease of {@code encryptions} of DEK {@code dekVersion} (under {@code tmkVersion}). */
  public CommandEnvelope lease(int dekVersion, int tmkVersion, long encryptions) {
    return envelope(
        LeaseDataKey.newBuilder()
            .setDek(dek(dekVersion, tmkVersion))
            .setEncryptions(encryptions)
            .setExpiresAt(Instant.ofEpochMilli(clock.get()).plusSeconds(300))
            .setLessee("svc@" + tenant)
            .build());
  }

  public CommandEnvelope rotateMaster(int tmkVersion) {
    return envelope(
        RotateMaster.newBuilder()
            .setTmk(tmk(tmkVersion, "customer_kms", KEY_ARN))
            .setReason("test")
            .build());
  }

  public CommandEnvelope rewrap(long leaseId, int toTmkVersion, int... dekVersions) {
    List<DekRef> deks =
        java.util.Arrays.stream(dekVersions).mapToObj(v -> dek(v, toTmkVersion)).toList();
    return envelope(RecordRewrapBatch.newBuilder().setLeaseId(leaseId).setDeks(deks).build());
  }

  public CommandEnvelope revoke(int tmkVersion) {
    return envelope(RevokeTmkVersion.newBuilder().setVersion(tmkVersion).build());
  }

  /** Platform-managed keys: TMK {@code tmkVersion} wrapped by the platform key, a DEK under it. */
  public CommandEnvelope provision(int tmkVersion, int dekVersion) {
    return envelope(
        ProvisionKeys.newBuilder()
            .setTmk(tmk(tmkVersion, "platform", null))
            .setDek(dek(dekVersion, tmkVersion))
            .build());
  }

  /** Ends BYOK by erasure, naming {@code tmkVersion} as the active version. */
  public CommandEnvelope endByok(int tmkVersion) {
    return envelope(
        RevokeTmkVersion.newBuilder()
            .setVersion(tmkVersion)
            .setAllowDataLoss(true)
            .setEndByok(true)
            .setReason("customer left")
            .build());
  }

  public CommandEnvelope revokeAllowingDataLoss(int tmkVersion) {
    return envelope(
        RevokeTmkVersion.newBuilder().setVersion(tmkVersion).setAllowDataLoss(true).build());
  }

  public CommandEnvelope usage(long encryptions, long decryptions, int dekVersion) {
    return envelope(
        RecordUsage.newBuilder()
            .setEncryptions(encryptions)
            .setDecryptions(decryptions)
            .setLastUsed(Instant.ofEpochMilli(clock.get()))
            .setReporter("node-1")
            .setPerDek(
                List.of(
                    DekUsage.newBuilder()
                        .setDekId("dek-" + dekVersion)
                        .setVersion(dekVersion)
                        .setEncryptions(encryptions)
                        .build()))
            .build());
  }

  /** {@code reporter} reserves a block of {@code encryptions} of DEK {@code dekVersion}. */
  public CommandEnvelope reserve(
      String reporter, int dekVersion, int tmkVersion, long encryptions, boolean settlePrevious) {
    return envelope(
        ReserveEncryptions.newBuilder()
            .setDek(dek(dekVersion, tmkVersion))
            .setEncryptions(encryptions)
            .setReporter(reporter)
            .setSettlePrevious(settlePrevious)
            .build());
  }

  /**
   * {@code reporter}'s usage report: {@code used} encryptions of DEK {@code dekVersion} made within
   * its reservation and {@code returned} of it given back unused.
   */
  public CommandEnvelope reported(String reporter, int dekVersion, long used, long returned) {
    return envelope(
        RecordUsage.newBuilder()
            .setEncryptions(used)
            .setDecryptions(0)
            .setLastUsed(Instant.ofEpochMilli(clock.get()))
            .setReporter(reporter)
            .setPerDek(
                List.of(
                    DekUsage.newBuilder()
                        .setDekId("dek-" + dekVersion)
                        .setVersion(dekVersion)
                        .setEncryptions(used)
                        .setReturned(returned)
                        .build()))
            .build());
  }

  /** DEK {@code version}, id {@code dek-<version>}, as wrapped by TMK {@code tmkVersion}. */
  public static DekRef dek(int version, int tmkVersion) {
    return DekRef.newBuilder()
        .setDekId("dek-" + version)
        .setVersion(version)
        .setTmkVersion(tmkVersion)
        .setFingerprint("d".repeat(30) + version + tmkVersion)
        .build();
  }

  public static CmkBinding cmk(String keyRef) {
    return CmkBinding.newBuilder()
        .setProvider("aws")
        .setKeyRef(keyRef)
        .setKeyArn(keyRef)
        .setRegion("us-east-1")
        .build();
  }

  public static TmkRef tmk(int version, String wrapMethod, String cmkArn) {
    return TmkRef.newBuilder()
        .setTmkId("tmk-" + version + "-" + wrapMethod)
        .setVersion(version)
        .setWrapMethod(wrapMethod)
        .setFingerprint("f".repeat(31) + version)
        .setCmkKeyArn(cmkArn)
        .build();
  }
}
