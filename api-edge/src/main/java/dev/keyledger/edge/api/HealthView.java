package dev.keyledger.edge.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.TenantStates;
import java.time.Instant;

/**
 * {@code GET /api/v1/byok/health} from the tenant's folded state: the last probe, 15-minute
 * validation, seal or unseal the engine recorded. It never calls KMS itself, so it costs no KMS
 * quota.
 */
record HealthView(
    String status,
    String keyStatus,
    boolean cmkAccessible,
    boolean sealed,
    Instant sealedSince,
    Latency latencyMs,
    Checks checks,
    Instant lastSuccessfulOperation,
    @JsonInclude(JsonInclude.Include.NON_NULL) String error) {

  record Latency(long encrypt, long decrypt) {}

  record Checks(String cmkAccess, String dekValid, String kmsConnection) {}

  static HealthView of(TenantState state) {
    BindingState b = state.getBinding();
    BindingStatus status = BindingStatus.fromWire(b.getStatus());
    boolean sealed = status == BindingStatus.SEALED;
    boolean bound = status.isBound();
    boolean dekValid = TenantStates.activeDek(state).isPresent();
    String overall =
        !bound || sealed
            ? "unhealthy"
            : status == BindingStatus.ACTIVE && b.getLastVerifyError() == null
                ? "healthy"
                : "degraded";
    String access = !bound ? "unknown" : sealed ? "fail" : "pass";
    String error = null;
    if (sealed) {
      error =
          "CMK inaccessible"
              + (b.getLastVerifyError() == null ? "" : ": " + b.getLastVerifyError());
    } else if (!dekValid) {
      error = "DEK invalid";
    } else if (b.getLastVerifyError() != null) {
      error = b.getLastVerifyError();
    }
    return new HealthView(
        overall,
        b.getStatus(),
        bound && !sealed,
        sealed,
        b.getSealedSince(),
        new Latency(b.getProbeEncryptMs(), b.getProbeDecryptMs()),
        new Checks(access, dekValid ? "pass" : "fail", access),
        b.getLastVerifiedAt(),
        error);
  }
}
