package dev.keyledger.benchmarks;

import dev.keyledger.avro.Actor;
import dev.keyledger.avro.CmkBinding;
import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.DekUsage;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.avro.command.AcknowledgeWaiver;
import dev.keyledger.avro.command.RecordUsage;
import dev.keyledger.avro.command.RegisterKey;
import dev.keyledger.avro.command.RotateDek;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.crypto.KeyFingerprint;
import dev.keyledger.engine.domain.Decider;
import dev.keyledger.engine.domain.Fold;
import dev.keyledger.engine.domain.TenantStates;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The commands of one BYOK tenant's history, built as the engine's tests build them ({@code
 * TestCommands} in the lifecycle-engine test-jar, copied here so the shipped benchmarks jar carries
 * no test code), and folded with the real {@link Fold#apply}. Deterministic clock (one second per
 * command) and ids; key ids and fingerprints have the shape {@code KeyMint} gives them ({@code
 * dek_} + 32 hex, 32-hex fingerprint), so the encoded state has its production size per DEK.
 */
final class TenantHistory {

  static final String KEY_ARN =
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  private static final int TMK_VERSION = 1;

  private final String tenant;
  private long clock = Instant.parse("2026-11-01T10:00:00Z").toEpochMilli();
  private long ids;

  TenantHistory(String tenant) {
    this.tenant = tenant;
  }

  /**
   * The state after registering a key (with DEK v1 under TMK v1), acknowledging the waiver and
   * {@code deks - 1} DEK rotations (v2..v{@code deks}, each under the active TMK v1): {@code deks}
   * DEK records, v{@code deks} active, the others retired.
   */
  TenantState foldedWithDeks(int deks) {
    TenantState state = fold(TenantStates.empty(tenant), registerWithDek(TMK_VERSION, 1));
    state = fold(state, acknowledge("1.0"));
    for (int version = 2; version <= deks; version++) {
      state = fold(state, rotateDek(version, TMK_VERSION));
    }
    if (state.getDeks().size() != deks) {
      throw new IllegalStateException(
          "expected " + deks + " DEK records, the fold kept " + state.getDeks().size());
    }
    return state;
  }

  /** A usage report against DEK v{@code dekVersion} (the active one, in a benchmark). */
  CommandEnvelope usage(long encryptions, long decryptions, int dekVersion) {
    return envelope(
        RecordUsage.newBuilder()
            .setEncryptions(encryptions)
            .setDecryptions(decryptions)
            .setLastUsed(Instant.ofEpochMilli(clock))
            .setReporter("node-1")
            .setPerDek(
                List.of(
                    DekUsage.newBuilder()
                        .setDekId(dekId(dekVersion))
                        .setEncryptions(encryptions)
                        .build()))
            .build());
  }

  private static TenantState fold(TenantState state, CommandEnvelope command) {
    Fold.Result result = Fold.apply(state, command);
    if (!result.outcome().getAccepted()) {
      throw new IllegalStateException(
          "history command " + command.getCommandId() + " refused: " + result.outcome());
    }
    return result.state();
  }

  private CommandEnvelope envelope(Object payload) {
    long n = ++ids;
    clock += 1000;
    return CommandEnvelope.newBuilder()
        .setCommandId(tenant + "-cmd-" + n)
        .setTenantId(tenant)
        .setIssuedAt(Instant.ofEpochMilli(clock))
        .setActor(
            Actor.newBuilder()
                .setSub("alice@example.com")
                .setRoles(List.of("owner"))
                .setIp("10.0.0.7")
                .build())
        .setPayload(payload)
        .build();
  }

  private CommandEnvelope registerWithDek(int tmkVersion, int dekVersion) {
    return envelope(
        RegisterKey.newBuilder()
            .setDialect(Decider.DIALECT_BYOK)
            .setKeyId("byok_" + ids)
            .setCmk(cmk(KEY_ARN))
            .setTmk(tmk(tmkVersion, "customer_kms", KEY_ARN))
            .setDek(dek(dekVersion, tmkVersion))
            .setProbeEncryptMs(12)
            .setProbeDecryptMs(9)
            .build());
  }

  private CommandEnvelope acknowledge(String waiverVersion) {
    return envelope(
        AcknowledgeWaiver.newBuilder()
            .setWaiverVersion(waiverVersion)
            .setAcknowledgedBy("alice@example.com")
            .build());
  }

  private CommandEnvelope rotateDek(int dekVersion, int tmkVersion) {
    return envelope(
        RotateDek.newBuilder().setDek(dek(dekVersion, tmkVersion)).setReason("scheduled").build());
  }

  /** DEK v{@code version} as wrapped by TMK v{@code tmkVersion}. */
  private DekRef dek(int version, int tmkVersion) {
    return DekRef.newBuilder()
        .setDekId(dekId(version))
        .setVersion(version)
        .setTmkVersion(tmkVersion)
        .setFingerprint(KeyFingerprint.of(bytes(dekId(version) + "@" + tmkVersion)))
        .build();
  }

  /** {@code dek_} + 32 hex, as {@code KeyMint.newId("dek")}, but deterministic. */
  private String dekId(int version) {
    return "dek_" + KeyFingerprint.of(bytes(tenant + "/dek/" + version));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static CmkBinding cmk(String keyRef) {
    return CmkBinding.newBuilder()
        .setProvider("aws")
        .setKeyRef(keyRef)
        .setKeyArn(keyRef)
        .setRegion("us-east-1")
        .build();
  }

  private TmkRef tmk(int version, String wrapMethod, String cmkArn) {
    String tmkId = "tmk_" + KeyFingerprint.of(bytes(tenant + "/tmk/" + version));
    return TmkRef.newBuilder()
        .setTmkId(tmkId)
        .setVersion(version)
        .setWrapMethod(wrapMethod)
        .setFingerprint(KeyFingerprint.of(bytes(tmkId)))
        .setCmkKeyArn(cmkArn)
        .build();
  }
}
