package dev.keyledger.edge.api;

import dev.keyledger.avro.CmkBinding;
import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.edge.service.KeyOnboarding;
import dev.keyledger.edge.service.OnboardingRequest;
import dev.keyledger.edge.service.TenantReader;
import dev.keyledger.engine.domain.Decider;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /admin/tenant-kms}: the admin API of seed 001, a view of the same tenant state. */
public final class TenantKmsController {

  /** Body of {@code POST /admin/tenant-kms}. */
  public record OnboardRequest(String provider, String kmsKeyRef, AwsConfig config) {}

  /** {@code config} of an AWS key. */
  public record AwsConfig(String region, String roleArn, String externalId) {}

  private final Guard guard;
  private final KeyOnboarding onboarding;
  private final TenantReader reader;

  public TenantKmsController(Guard guard, KeyOnboarding onboarding, TenantReader reader) {
    this.guard = guard;
    this.onboarding = onboarding;
    this.reader = reader;
  }

  public void onboard(Context ctx) {
    KeyOnboarding.Caller caller = guard.caller(ctx, RateLimitConfig.KEYS_CREATE, Role.OWNER, Role.ADMIN);
    OnboardRequest body = Bodies.read(ctx, OnboardRequest.class);
    checkProvider(body.provider());
    if (body.config() == null || body.config().region() == null || body.config().roleArn() == null) {
      throw ApiException.badRequest("invalid_request", "config.region and config.role_arn are required for provider aws",
          "{\"provider\":\"aws\",\"kms_key_ref\":\"arn:aws:kms:...\",\"config\":{\"region\":\"us-east-1\",\"role_arn\":\"arn:aws:iam::ACCOUNT:role/NAME\",\"external_id\":\"...\"}}");
    }
    KeyOnboarding.Bound bound = onboarding.bind(caller, new OnboardingRequest(Decider.DIALECT_TENANT_KMS, body.kmsKeyRef(),
        body.config().region(), body.config().roleArn(), body.config().externalId(), null, null));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("ok", true);
    answer.put("provider", "aws");
    answer.put("kms_key_ref", body.kmsKeyRef());
    answer.put("key_arn", bound.cmk().getKeyArn());
    answer.put("new_key_version", bound.tmk().getVersion());
    answer.put("new_key_id", bound.tmk().getTmkId());
    answer.put("rewrap_status", "enqueued");
    answer.put("byok_status", bound.active() ? "active" : "pending_waiver");
    answer.put("note", "A background rewrap pass will re-encrypt existing tenant data under the new key. Existing in-flight"
        + " agent sessions remain valid for up to 5 minutes (BYOK session TTL)."
        + (bound.active() ? "" : " Acknowledge the legal waiver (POST /api/v1/byok/legal-waiver) to activate BYOK."));
    ctx.json(answer);
  }

  public void get(Context ctx) {
    KeyOnboarding.Caller caller = guard.caller(ctx, RateLimitConfig.KEYS_READ, Role.OWNER, Role.ADMIN, Role.AUDITOR);
    TenantState state = reader.tenant(caller.tenant()).filter(s -> s.getBinding() != null)
        .orElseThrow(() -> new ApiException(404, "no_kms_config", null, "No KMS configuration for this tenant",
            "Onboard a key: POST /admin/tenant-kms.", null));
    BindingState b = state.getBinding();
    CmkBinding cmk = b.getCmk();
    Map<String, Object> awsConfig = new LinkedHashMap<>();
    awsConfig.put("region", cmk.getRegion());
    awsConfig.put("role_arn", cmk.getRoleArn());
    awsConfig.put("external_id", cmk.getExternalId());
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("provider", cmk.getProvider());
    config.put("kms_key_ref", cmk.getKeyRef());
    config.put("key_arn", cmk.getKeyArn());
    config.put("status", b.getStatus());
    config.put("config", awsConfig);
    config.put("sealed_since", b.getSealedSince());
    config.put("last_verified_at", b.getLastVerifiedAt());
    config.put("last_verify_error", b.getLastVerifyError());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("config", config);
    answer.put("rewrap", RewrapView.of(state));
    answer.put("keys", state.getTmkVersions().stream().map(v -> {
      Map<String, Object> key = new LinkedHashMap<>();
      key.put("id", v.getTmk().getTmkId());
      key.put("version", v.getTmk().getVersion());
      key.put("wrap_method", v.getTmk().getWrapMethod());
      key.put("status", v.getStatus());
      key.put("created_at", v.getCreatedAt());
      key.put("retired_at", v.getRetiredAt());
      return key;
    }).toList());
    ctx.json(answer);
  }

  private static void checkProvider(String provider) {
    if ("aws".equals(provider)) {
      return;
    }
    if ("aws_kms".equals(provider)) {
      throw ApiException.badRequest("invalid_provider", "provider is \"aws\", not \"aws_kms\"", "Send \"provider\": \"aws\".");
    }
    if ("gcp".equals(provider) || "azure".equals(provider)) {
      throw ApiException.badRequest("provider_not_supported", "provider \"" + provider + "\" is not supported yet", "Use \"aws\".");
    }
    throw ApiException.badRequest("invalid_provider", "provider must be \"aws\"", "Send \"provider\": \"aws\".");
  }
}
