package dev.keyledger.edge.api;

import dev.keyledger.application.KeyOnboarding;
import dev.keyledger.application.KeyStatus;
import dev.keyledger.avro.CmkBinding;
import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.EncryptionReservations;
import dev.keyledger.engine.domain.RewrapStatus;
import dev.keyledger.engine.domain.TenantStates;
import java.time.Instant;
import java.util.List;

/**
 * The JSON bodies of the tenant API's key calls (snake_case on the wire, through {@code
 * http.Json}). {@link Key} is public so that the CLI's replay prints a past state exactly as {@code
 * GET /api/v1/byok/keys} shows a current one.
 */
public final class KeyViews {

  private KeyViews() {}

  /** {@code POST /keys} → 201. */
  record Registered(
      String keyId,
      String status,
      boolean requiresWaiverAcknowledgment,
      String keyArn,
      String keyAlias,
      int tmkVersion,
      String rewrapStatus,
      Probe probe,
      String message) {

    record Probe(long encryptMs, long decryptMs) {}

    static Registered of(KeyOnboarding.Bound bound) {
      return new Registered(
          bound.keyId(),
          BindingStatus.PENDING_WAIVER.wire(),
          true,
          bound.cmk().getKeyArn(),
          bound.cmk().getKeyAlias(),
          bound.tmk().getVersion(),
          bound.rewrapStatus().wire(),
          new Probe(bound.probeEncryptMs(), bound.probeDecryptMs()),
          "Key verified. Acknowledge the legal waiver (POST /api/v1/byok/legal-waiver) to activate"
              + " BYOK: the data plane keeps using the platform-managed keys until then, and the"
              + " background rewrap then moves existing data under the new key.");
    }
  }

  /** {@code DELETE /keys}. */
  record Deregistered(
      String status,
      String revokedAt,
      String migrationStatus,
      List<Integer> rewrappedTmkVersions,
      String message) {

    static Deregistered of(List<TmkRef> moved, Instant at) {
      return new Deregistered(
          BindingStatus.DISABLED.wire(),
          at.toString(),
          "completed",
          moved.stream().map(TmkRef::getVersion).toList(),
          "BYOK ended: every TMK version is now wrapped by the platform key; data stays readable.");
    }
  }

  /** {@code GET /keys}: a bound tenant's key, its TMK versions and one page of its DEKs. */
  public record Key(
      String keyId,
      String status,
      String wrapMethod,
      String keyArn,
      String keyAlias,
      String description,
      String region,
      String roleArn,
      String registeredBy,
      Instant registeredAt,
      boolean waiverAcknowledged,
      Instant waiverAcknowledgedAt,
      String waiverVersion,
      boolean requiresReacknowledgment,
      boolean sealed,
      Instant sealedSince,
      Instant lastVerifiedAt,
      String lastVerifyError,
      Instant lastUsed,
      long encryptionCount,
      long reservedEncryptions,
      long decryptionCount,
      Instant lastRotationAt,
      Integer activeTmkVersion,
      List<Tmk> tmkVersions,
      Integer activeDekVersion,
      int dekCount,
      List<Dek> dekVersions,
      Integer dekVersionsNextBefore,
      RewrapView rewrap,
      String rewrapStatus) {

    /** The body of {@code GET /keys} for the bound key a use case (or a replay) answered. */
    public static Key of(KeyStatus.BoundKey bound) {
      TenantState state = bound.state();
      BindingState b = state.getBinding();
      CmkBinding cmk = b.getCmk();
      return new Key(
          b.getKeyId(),
          b.getStatus(),
          TenantStates.activeTmk(state).map(v -> v.getTmk().getWrapMethod()).orElse(null),
          cmk.getKeyArn(),
          cmk.getKeyAlias(),
          cmk.getDescription(),
          cmk.getRegion(),
          cmk.getRoleArn(),
          b.getRegisteredBy(),
          b.getRegisteredAt(),
          b.getWaiverVersion() != null,
          b.getWaiverAcknowledgedAt(),
          b.getWaiverVersion(),
          b.getWaiverVersion() != null
              && !b.getWaiverVersion().equals(bound.currentWaiverVersion()),
          BindingStatus.SEALED.wire().equals(b.getStatus()),
          b.getSealedSince(),
          b.getLastVerifiedAt(),
          b.getLastVerifyError(),
          state.getLastUsed(),
          state.getEncryptionCount(),
          EncryptionReservations.reserved(state),
          state.getDecryptionCount(),
          state.getLastRotationAt(),
          TenantStates.activeTmk(state).map(v -> v.getTmk().getVersion()).orElse(null),
          state.getTmkVersions().stream().map(Tmk::of).toList(),
          TenantStates.activeDek(state).map(DekRef::getVersion).orElse(null),
          state.getLastDekVersion(),
          bound.deks().stream().map(d -> Dek.of(state, d)).toList(),
          bound.nextBeforeVersion(),
          RewrapView.of(state),
          RewrapStatus.of(state).wire());
    }
  }

  record Tmk(
      int version,
      String status,
      String wrapMethod,
      String fingerprint,
      Instant createdAt,
      Instant retiredAt) {
    static Tmk of(TmkVersionState v) {
      return new Tmk(
          v.getTmk().getVersion(),
          v.getStatus(),
          v.getTmk().getWrapMethod(),
          v.getTmk().getFingerprint(),
          v.getCreatedAt(),
          v.getRetiredAt());
    }
  }

  record Dek(
      String dekId,
      int version,
      String status,
      int tmkVersion,
      long encryptions,
      long reservedEncryptions,
      Instant createdAt,
      Instant retiredAt) {
    static Dek of(TenantState state, DekState d) {
      return new Dek(
          d.getDek().getDekId(),
          d.getDek().getVersion(),
          d.getStatus(),
          d.getDek().getTmkVersion(),
          d.getEncryptions(),
          EncryptionReservations.reserved(state, d.getDek().getVersion()),
          d.getCreatedAt(),
          d.getRetiredAt());
    }
  }
}
