package dev.keyledger.edge.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.keyledger.application.HealthReport;
import dev.keyledger.application.LiveCheck;
import dev.keyledger.avro.state.BindingState;
import dev.keyledger.engine.domain.TenantStates;
import java.time.Instant;

/**
 * {@code GET /api/v1/byok/health}: the live check's report as JSON (SPEC §3a). {@code latency_ms}
 * comes from the live check (the last good one's, from the folded state, when the check failed or
 * none applies); {@code checked_at} and {@code cached} say which check this is.
 */
record HealthView(
    String status,
    String keyStatus,
    String wrapMethod,
    boolean cmkAccessible,
    boolean sealed,
    Instant sealedSince,
    Latency latencyMs,
    Checks checks,
    Instant lastSuccessfulOperation,
    Instant checkedAt,
    boolean cached,
    @JsonInclude(JsonInclude.Include.NON_NULL) String error,
    @JsonInclude(JsonInclude.Include.NON_NULL) String reason,
    @JsonInclude(JsonInclude.Include.NON_NULL) String awsErrorCode,
    @JsonInclude(JsonInclude.Include.NON_NULL) String fix) {

  record Latency(long encrypt, long decrypt) {}

  record Checks(String cmkAccess, String dekValid, String kmsConnection) {}

  static HealthView of(HealthReport report) {
    BindingState b = report.state().getBinding();
    LiveCheck check = report.check();
    Latency latency =
        check != null && check.ok()
            ? new Latency(check.encryptMs(), check.decryptMs())
            : b == null
                ? new Latency(0, 0)
                : new Latency(b.getProbeEncryptMs(), b.getProbeDecryptMs());
    Instant sealedSince = b == null ? null : b.getSealedSince();
    return new HealthView(
        report.status(),
        TenantStates.status(report.state()).wire(),
        TenantStates.activeTmk(report.state()).map(v -> v.getTmk().getWrapMethod()).orElse(null),
        report.cmkAccessible(),
        sealedSince != null,
        sealedSince,
        latency,
        new Checks(report.cmkAccess(), report.dekValid(), report.kmsConnection()),
        b != null ? b.getLastVerifiedAt() : check != null && check.ok() ? check.at() : null,
        report.checkedAt(),
        report.cached(),
        report.error(),
        report.reason(),
        check == null ? null : check.awsErrorCode(),
        report.fix());
  }
}
