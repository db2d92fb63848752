package dev.keyledger.application;

import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.KmsLatency;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.domain.Waivers;
import java.time.Instant;

/**
 * A tenant's health (SPEC §3a {@code GET /health}): its folded state and the latest live check,
 * judged here so every reader of health says the same.
 *
 * <ul>
 *   <li>{@code unhealthy}: no usable key (sealed, the CMK refused the probe, KMS not reachable, the
 *       platform key does not unwrap the tenant's TMK) or no valid DEK;
 *   <li>{@code degraded}: usable, but the check was inconclusive (throttled), KMS is slow (over
 *       {@value KmsLatency#SLOW_MILLIS} ms), the waiver needs re-acknowledgment or is pending;
 *   <li>{@code healthy} otherwise.
 * </ul>
 *
 * Each check is {@code pass}, {@code fail} or {@code unknown} (not tried: no live check possible,
 * or the answer says nothing about it).
 *
 * @param check the live check (a CMK round trip under BYOK, a platform-key round trip otherwise);
 *     null when none applies
 * @param cached the check is a remembered one, not made for this request
 * @param error the seed's words for what is wrong, null when healthy
 * @param reason the KMS failure kind ({@code access_denied}, {@code throttled}...), null without
 *     one
 * @param fix what to do about {@code error}
 */
public record HealthReport(
    String status,
    TenantState state,
    LiveCheck check,
    boolean cached,
    String cmkAccess,
    String dekValid,
    String kmsConnection,
    String error,
    String reason,
    String fix) {

  public static final String PASS = "pass";
  public static final String FAIL = "fail";
  public static final String UNKNOWN = "unknown";

  static HealthReport of(TenantState state, TenantState platform, LiveCheck check, boolean cached) {
    BindingState binding = state.getBinding();
    BindingStatus status = TenantStates.status(state);
    boolean sealed = status == BindingStatus.SEALED;
    boolean dekValid = TenantStates.activeDek(state).isPresent();
    // With platform-managed keys there is no CMK and no KMS to reach: those checks stay unknown.
    boolean byok = status.isBound();
    String access = check == null || !byok ? (sealed ? FAIL : UNKNOWN) : cmkAccess(check);
    String connection = check == null || !byok ? UNKNOWN : kmsConnection(check);
    boolean slow =
        check != null && check.ok() && KmsLatency.isSlow(check.encryptMs(), check.decryptMs());
    boolean reack = Waivers.requiresReacknowledgment(binding, platform);

    String error = null;
    String fix = null;
    String overall = "healthy";
    if (sealed || FAIL.equals(access)) {
      overall = "unhealthy";
      String why = check != null && !check.ok() ? check.message() : binding.getLastVerifyError();
      error = "CMK inaccessible" + (why == null ? "" : ": " + why);
      fix = check != null && !check.ok() ? check.hint() : null;
    } else if (!byok && check != null && !check.ok()) {
      overall = "unhealthy";
      error = check.message();
      fix = check.hint();
    } else if (FAIL.equals(connection)) {
      overall = "unhealthy";
      error = check.failure().summary() + ": " + check.message();
      fix = check.hint();
    } else if (!dekValid) {
      overall = "unhealthy";
      error = "DEK invalid";
      fix = "Rotate the data key: POST /api/v1/byok/keys/rotate {\"rotation_type\": \"dek\"}";
    } else if (check != null && !check.ok()) {
      overall = "degraded";
      error = check.failure().summary() + (check.message() == null ? "" : ": " + check.message());
      fix = check.hint();
    } else if (slow) {
      overall = "degraded";
      error =
          "KMS latency above "
              + KmsLatency.SLOW_MILLIS
              + " ms (encrypt "
              + check.encryptMs()
              + " ms, decrypt "
              + check.decryptMs()
              + " ms)";
      fix = "Check the network path to the KMS endpoint of the key's region and KMS request rates";
    } else if (reack) {
      overall = "degraded";
      error = "Requires reacknowledgment";
      fix =
          "Acknowledge waiver version "
              + Waivers.current(platform).getWaiverVersion()
              + ": POST /api/v1/byok/legal-waiver {\"acknowledged\": true}";
    } else if (status == BindingStatus.PENDING_WAIVER) {
      overall = "degraded";
      error = "Waiver not acknowledged: BYOK is not active yet";
      fix = "Acknowledge the waiver: POST /api/v1/byok/legal-waiver {\"acknowledged\": true}";
    }
    return new HealthReport(
        overall,
        state,
        check,
        cached,
        access,
        dekValid ? PASS : FAIL,
        connection,
        error,
        check == null || check.ok() ? null : check.failure().wireName(),
        fix);
  }

  /** True when the live check reached the CMK and it did what was asked. */
  public boolean cmkAccessible() {
    return PASS.equals(cmkAccess) && TenantStates.status(state) != BindingStatus.SEALED;
  }

  /** When the check behind this report was made; null without one. */
  public Instant checkedAt() {
    return check == null ? null : check.at();
  }

  private static String cmkAccess(LiveCheck check) {
    if (check.ok()) {
      return PASS;
    }
    return switch (check.failure()) {
      case THROTTLED, TIMEOUT, UNREACHABLE, UNAVAILABLE, NO_CREDENTIALS -> UNKNOWN;
      default -> FAIL;
    };
  }

  private static String kmsConnection(LiveCheck check) {
    if (check.ok()) {
      return PASS;
    }
    return switch (check.failure()) {
      case TIMEOUT, UNREACHABLE -> FAIL;
      case NO_CREDENTIALS -> UNKNOWN;
      default -> PASS;
    };
  }
}
