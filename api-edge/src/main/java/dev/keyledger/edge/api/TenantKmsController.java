package dev.keyledger.edge.api;

import dev.keyledger.application.Caller;
import dev.keyledger.application.KeyOnboarding;
import dev.keyledger.application.KeyStatus;
import dev.keyledger.application.OnboardingRequest;
import dev.keyledger.application.PlatformIdentity;
import dev.keyledger.avro.CmkBinding;
import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.http.Outcomes;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.engine.domain.Decider;
import dev.keyledger.engine.domain.RewrapStatus;
import dev.keyledger.engine.domain.TenantStates;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/** {@code /admin/tenant-kms}: the admin API of seed 001, a view of the same tenant state. */
public final class TenantKmsController {

  /** Body of {@code POST /admin/tenant-kms}. */
  public record OnboardRequest(String provider, String kmsKeyRef, AwsConfig config) {}

  /** {@code config} of an AWS key. */
  public record AwsConfig(String region, String roleArn, String externalId) {}

  /** The answer of {@code POST /admin/tenant-kms}. */
  record Onboarded(
      boolean ok,
      String provider,
      String kmsKeyRef,
      String keyArn,
      int newKeyVersion,
      String newKeyId,
      String rewrapStatus,
      String byokStatus,
      String note) {

    static Onboarded of(String kmsKeyRef, KeyOnboarding.Bound bound) {
      return new Onboarded(
          true,
          "aws",
          kmsKeyRef,
          bound.cmk().getKeyArn(),
          bound.tmk().getVersion(),
          bound.tmk().getTmkId(),
          bound.rewrapStatus().wire(),
          bound.active() ? "active" : "pending_waiver",
          bound.rewrapStatus() == RewrapStatus.WAITING_FOR_WAIVER
              ? "Acknowledge the legal waiver (POST /api/v1/byok/legal-waiver) to activate BYOK: until"
                  + " then the platform-managed keys keep serving, then a background rewrap pass"
                  + " re-encrypts existing tenant data under the new key."
              : "A background rewrap pass will re-encrypt existing tenant data under the new key."
                  + " Existing in-flight agent sessions remain valid for up to 5 minutes (BYOK"
                  + " session TTL).");
    }
  }

  /** The answer of {@code GET /admin/tenant-kms} (also rendered from a replay of the event log). */
  public record KmsConfig(
      Config config, String wrapMethod, String rewrapStatus, RewrapView rewrap, List<Key> keys) {

    record Config(
        String provider,
        String kmsKeyRef,
        String keyArn,
        String status,
        AwsConfig config,
        Instant sealedSince,
        Instant lastVerifiedAt,
        String lastVerifyError) {}

    record Key(
        String id,
        int version,
        String wrapMethod,
        String status,
        Instant createdAt,
        Instant retiredAt) {
      static Key of(TmkVersionState v) {
        return new Key(
            v.getTmk().getTmkId(),
            v.getTmk().getVersion(),
            v.getTmk().getWrapMethod(),
            v.getStatus(),
            v.getCreatedAt(),
            v.getRetiredAt());
      }
    }

    /** The view of a bound tenant's state. */
    public static KmsConfig of(TenantState state) {
      BindingState b = state.getBinding();
      CmkBinding cmk = b.getCmk();
      Config config =
          new Config(
              cmk.getProvider(),
              cmk.getKeyRef(),
              cmk.getKeyArn(),
              b.getStatus(),
              new AwsConfig(cmk.getRegion(), cmk.getRoleArn(), cmk.getExternalId()),
              b.getSealedSince(),
              b.getLastVerifiedAt(),
              b.getLastVerifyError());
      return new KmsConfig(
          config,
          TenantStates.activeTmk(state).map(v -> v.getTmk().getWrapMethod()).orElse(null),
          RewrapStatus.of(state).wire(),
          RewrapView.of(state),
          state.getTmkVersions().stream().map(Key::of).toList());
    }
  }

  private final Guard guard;
  private final KeyOnboarding onboarding;
  private final KeyStatus keys;
  private final PlatformIdentity platform;

  public TenantKmsController(
      Guard guard, KeyOnboarding onboarding, KeyStatus keys, PlatformIdentity platform) {
    this.guard = guard;
    this.onboarding = onboarding;
    this.keys = keys;
    this.platform = platform;
  }

  public void onboard(Context ctx) {
    Caller caller = guard.caller(ctx, RateLimitConfig.KEYS_CREATE, Role.OWNER, Role.ADMIN);
    OnboardRequest body;
    try {
      body = Bodies.read(ctx, OnboardRequest.class);
      checkProvider(body.provider());
      if (body.config() == null
          || body.config().region() == null
          || body.config().roleArn() == null) {
        throw ApiException.badRequest(
            "invalid_request",
            "config.region and config.role_arn are required for provider aws",
            "{\"provider\":\"aws\",\"kms_key_ref\":\"arn:aws:kms:...\",\"config\":{\"region\":\"us-east-1\",\"role_arn\":\"arn:aws:iam::ACCOUNT:role/NAME\",\"external_id\":\"...\"}}");
      }
    } catch (ApiException e) {
      if (e.isRequestRefusal()) {
        onboarding.refusedBeforeBind(caller, e.asRefusal());
      }
      throw e;
    }
    OnboardingRequest request =
        new OnboardingRequest(
            Decider.DIALECT_TENANT_KMS,
            body.kmsKeyRef(),
            body.config().region(),
            body.config().roleArn(),
            body.config().externalId(),
            null,
            null);
    Outcomes.respond(
        ctx, onboarding.bind(caller, request), bound -> Onboarded.of(body.kmsKeyRef(), bound));
  }

  public void get(Context ctx) {
    Caller caller =
        guard.caller(ctx, RateLimitConfig.KEYS_READ, Role.OWNER, Role.ADMIN, Role.AUDITOR);
    Outcomes.respond(ctx, keys.kmsConfig(caller), KmsConfig::of);
  }

  /**
   * {@code GET /admin/tenant-kms/external-id}: the external id the platform issues for the caller's
   * tenant, with the principal and account its customer's policies name.
   */
  public void externalId(Context ctx) {
    Caller caller = guard.caller(ctx, RateLimitConfig.KEYS_READ, Role.OWNER, Role.ADMIN);
    ctx.json(platform.forTenant(caller));
  }

  private static void checkProvider(String provider) {
    if ("aws".equals(provider)) {
      return;
    }
    if ("aws_kms".equals(provider)) {
      throw ApiException.badRequest(
          "invalid_provider",
          "provider is \"aws\", not \"aws_kms\"",
          "Send \"provider\": \"aws\".");
    }
    if ("gcp".equals(provider) || "azure".equals(provider)) {
      throw ApiException.badRequest(
          "provider_not_supported",
          "provider \"" + provider + "\" is not supported yet",
          "Use \"aws\".");
    }
    throw ApiException.badRequest(
        "invalid_provider", "provider must be \"aws\"", "Send \"provider\": \"aws\".");
  }
}
