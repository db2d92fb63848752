package dev.keyledger.edge.api;

import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.TenantStates;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/v1/byok/health} from the tenant's folded state: the last probe, 15-minute
 * validation, seal or unseal the engine recorded. It never calls KMS itself, so it costs no KMS quota.
 */
final class HealthView {

  private HealthView() {}

  static Map<String, Object> of(TenantState state) {
    BindingState b = state.getBinding();
    BindingStatus status = BindingStatus.fromWire(b.getStatus());
    boolean sealed = status == BindingStatus.SEALED;
    boolean bound = status.isBound();
    String overall = !bound || sealed ? "unhealthy" : status == BindingStatus.ACTIVE && b.getLastVerifyError() == null ? "healthy" : "degraded";
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("status", overall);
    view.put("key_status", b.getStatus());
    view.put("cmk_accessible", bound && !sealed);
    view.put("sealed", sealed);
    view.put("sealed_since", b.getSealedSince());
    view.put("latency_ms", Map.of("encrypt", b.getProbeEncryptMs(), "decrypt", b.getProbeDecryptMs()));
    view.put("checks", Map.of(
        "cmk_access", !bound ? "unknown" : sealed ? "fail" : "pass",
        "dek_valid", TenantStates.activeDek(state).isPresent() ? "pass" : "fail",
        "kms_connection", !bound ? "unknown" : sealed ? "fail" : "pass"));
    view.put("last_successful_operation", b.getLastVerifiedAt());
    if (sealed) {
      view.put("error", "CMK inaccessible" + (b.getLastVerifyError() == null ? "" : ": " + b.getLastVerifyError()));
    } else if (TenantStates.activeDek(state).isEmpty()) {
      view.put("error", "DEK invalid");
    } else if (b.getLastVerifyError() != null) {
      view.put("error", b.getLastVerifyError());
    }
    return view;
  }
}
