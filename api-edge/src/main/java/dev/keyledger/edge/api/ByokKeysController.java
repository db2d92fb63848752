package dev.keyledger.edge.api;

import dev.keyledger.avro.CmkBinding;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.StepUpVerifier;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.edge.service.KeyOnboarding;
import dev.keyledger.edge.service.OnboardingRequest;
import dev.keyledger.edge.service.TenantReader;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.Decider;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.domain.Waivers;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/byok/keys} and {@code /api/v1/byok/health}: the tenant API of seed 000. */
public final class ByokKeysController {

  /** Body of {@code POST /keys}. */
  public record RegisterKeyRequest(String keyArn, String keyAlias, String description, String roleArn, String externalId) {}

  private final Guard guard;
  private final KeyOnboarding onboarding;
  private final TenantReader reader;
  private final Clock clock;

  public ByokKeysController(Guard guard, KeyOnboarding onboarding, TenantReader reader, Clock clock) {
    this.guard = guard;
    this.onboarding = onboarding;
    this.reader = reader;
    this.clock = clock;
  }

  public void register(Context ctx) {
    KeyOnboarding.Caller caller = guard.caller(ctx, RateLimitConfig.KEYS_CREATE, Role.OWNER, Role.ADMIN);
    RegisterKeyRequest body = Bodies.read(ctx, RegisterKeyRequest.class);
    KeyOnboarding.Bound bound = onboarding.bind(caller, new OnboardingRequest(Decider.DIALECT_BYOK, body.keyArn(), null,
        body.roleArn(), body.externalId(), Bodies.bounded(body.keyAlias(), "key_alias"), Bodies.bounded(body.description(), "description")));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("key_id", bound.keyId());
    answer.put("status", BindingStatus.PENDING_WAIVER.wire());
    answer.put("requires_waiver_acknowledgment", true);
    answer.put("key_arn", bound.cmk().getKeyArn());
    answer.put("key_alias", bound.cmk().getKeyAlias());
    answer.put("tmk_version", bound.tmk().getVersion());
    answer.put("probe", Map.of("encrypt_ms", bound.probe().encryptMillis(), "decrypt_ms", bound.probe().decryptMillis()));
    answer.put("message", "Key verified. Acknowledge the legal waiver (POST /api/v1/byok/legal-waiver) to activate BYOK.");
    ctx.status(201).json(answer);
  }

  public void get(Context ctx) {
    KeyOnboarding.Caller caller = guard.caller(ctx, RateLimitConfig.KEYS_READ, Role.OWNER, Role.ADMIN, Role.AUDITOR);
    TenantState state = reader.tenant(caller.tenant()).filter(s -> s.getBinding() != null)
        .orElseThrow(() -> ApiException.of(Refusals.noKey()));
    String currentWaiver = Waivers.current(reader.platform().orElse(null)).getWaiverVersion();
    ctx.json(keyView(state, currentWaiver));
  }

  public void delete(Context ctx) {
    KeyOnboarding.Caller caller = guard.stepUpCaller(ctx, RateLimitConfig.KEYS_DELETE, StepUpVerifier.DEFAULT_WINDOW, Role.OWNER, Role.ADMIN);
    String reason = Bodies.bounded(ctx.queryParam("reason"), "reason");
    List<TmkRef> moved = onboarding.unbind(caller, reason);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("status", BindingStatus.DISABLED.wire());
    answer.put("revoked_at", Instant.now(clock).toString());
    answer.put("migration_status", "completed");
    answer.put("rewrapped_tmk_versions", moved.stream().map(TmkRef::getVersion).toList());
    answer.put("message", "BYOK ended: every TMK version is now wrapped by the platform key; data stays readable.");
    ctx.json(answer);
  }

  public void health(Context ctx) {
    KeyOnboarding.Caller caller = guard.caller(ctx, RateLimitConfig.HEALTH, Role.OWNER, Role.ADMIN, Role.AUDITOR);
    TenantState state = reader.tenant(caller.tenant()).filter(s -> s.getBinding() != null)
        .orElseThrow(() -> ApiException.of(Refusals.noKey()));
    ctx.json(HealthView.of(state));
  }

  static Map<String, Object> keyView(TenantState state, String currentWaiver) {
    BindingState b = state.getBinding();
    CmkBinding cmk = b.getCmk();
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("key_id", b.getKeyId());
    view.put("status", b.getStatus());
    view.put("key_arn", cmk.getKeyArn());
    view.put("key_alias", cmk.getKeyAlias());
    view.put("description", cmk.getDescription());
    view.put("region", cmk.getRegion());
    view.put("role_arn", cmk.getRoleArn());
    view.put("registered_by", b.getRegisteredBy());
    view.put("registered_at", b.getRegisteredAt());
    view.put("waiver_acknowledged", b.getWaiverVersion() != null);
    view.put("waiver_acknowledged_at", b.getWaiverAcknowledgedAt());
    view.put("waiver_version", b.getWaiverVersion());
    view.put("requires_reacknowledgment", b.getWaiverVersion() != null && !b.getWaiverVersion().equals(currentWaiver));
    view.put("sealed", BindingStatus.SEALED.wire().equals(b.getStatus()));
    view.put("sealed_since", b.getSealedSince());
    view.put("last_verified_at", b.getLastVerifiedAt());
    view.put("last_verify_error", b.getLastVerifyError());
    view.put("last_used", state.getLastUsed());
    view.put("encryption_count", state.getEncryptionCount());
    view.put("decryption_count", state.getDecryptionCount());
    view.put("last_rotation_at", state.getLastRotationAt());
    view.put("active_tmk_version", TenantStates.activeTmk(state).map(v -> v.getTmk().getVersion()).orElse(null));
    view.put("tmk_versions", state.getTmkVersions().stream().map(v -> {
      Map<String, Object> tmk = new LinkedHashMap<>();
      tmk.put("version", v.getTmk().getVersion());
      tmk.put("status", v.getStatus());
      tmk.put("wrap_method", v.getTmk().getWrapMethod());
      tmk.put("fingerprint", v.getTmk().getFingerprint());
      tmk.put("created_at", v.getCreatedAt());
      tmk.put("retired_at", v.getRetiredAt());
      return tmk;
    }).toList());
    view.put("active_dek_version", TenantStates.activeDek(state).map(d -> d.getDek().getVersion()).orElse(null));
    view.put("dek_versions", state.getDeks().stream().map(d -> {
      Map<String, Object> dek = new LinkedHashMap<>();
      dek.put("dek_id", d.getDek().getDekId());
      dek.put("version", d.getDek().getVersion());
      dek.put("status", d.getStatus());
      dek.put("tmk_version", d.getDek().getTmkVersion());
      dek.put("encryptions", d.getEncryptions());
      dek.put("created_at", d.getCreatedAt());
      dek.put("retired_at", d.getRetiredAt());
      return dek;
    }).toList());
    view.put("rewrap", RewrapView.of(state));
    return view;
  }
}
