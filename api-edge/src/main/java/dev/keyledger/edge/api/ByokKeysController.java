package dev.keyledger.edge.api;

import dev.keyledger.application.Caller;
import dev.keyledger.application.HealthChecks;
import dev.keyledger.application.KeyDeregistration;
import dev.keyledger.application.KeyOnboarding;
import dev.keyledger.application.KeyStatus;
import dev.keyledger.application.OnboardingRequest;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.StepUpVerifier;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.http.Outcomes;
import dev.keyledger.edge.http.QueryParams;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.engine.domain.Decider;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;

/** {@code /api/v1/byok/keys} and {@code /api/v1/byok/health}: the tenant API of seed 000. */
public final class ByokKeysController {

  /** Body of {@code POST /keys}. */
  public record RegisterKeyRequest(
      String keyArn, String keyAlias, String description, String roleArn, String externalId) {}

  private final Guard guard;
  private final KeyOnboarding onboarding;
  private final KeyDeregistration deregistration;
  private final KeyStatus keys;
  private final HealthChecks health;
  private final Clock clock;

  public ByokKeysController(
      Guard guard,
      KeyOnboarding onboarding,
      KeyDeregistration deregistration,
      KeyStatus keys,
      HealthChecks health,
      Clock clock) {
    this.guard = guard;
    this.onboarding = onboarding;
    this.deregistration = deregistration;
    this.keys = keys;
    this.health = health;
    this.clock = clock;
  }

  public void register(Context ctx) {
    Caller caller = guard.caller(ctx, RateLimitConfig.KEYS_CREATE, Role.OWNER, Role.ADMIN);
    OnboardingRequest request;
    try {
      RegisterKeyRequest body = Bodies.read(ctx, RegisterKeyRequest.class);
      request =
          new OnboardingRequest(
              Decider.DIALECT_BYOK,
              body.keyArn(),
              null,
              body.roleArn(),
              body.externalId(),
              Bodies.bounded(body.keyAlias(), "key_alias"),
              Bodies.bounded(body.description(), "description"));
    } catch (ApiException e) {
      if (e.isRequestRefusal()) {
        onboarding.refusedBeforeBind(caller, e.asRefusal());
      }
      throw e;
    }
    Outcomes.respond(ctx, onboarding.bind(caller, request), 201, KeyViews.Registered::of);
  }

  public void get(Context ctx) {
    Caller caller =
        guard.caller(ctx, RateLimitConfig.KEYS_READ, Role.OWNER, Role.ADMIN, Role.AUDITOR);
    KeyStatus.DekPage page =
        new KeyStatus.DekPage(
            QueryParams.intIn(ctx, "dek_before", 2, Integer.MAX_VALUE, Integer.MAX_VALUE),
            QueryParams.intIn(
                ctx, "dek_limit", 1, KeyStatus.DekPage.MAX_LIMIT, KeyStatus.DekPage.DEFAULT_LIMIT));
    Outcomes.respond(ctx, keys.byokKey(caller, page), KeyViews.Key::of);
  }

  public void delete(Context ctx) {
    Caller caller =
        guard.stepUpCaller(
            ctx,
            RateLimitConfig.KEYS_DELETE,
            StepUpVerifier.DEFAULT_WINDOW,
            Role.OWNER,
            Role.ADMIN);
    String reason = Bodies.bounded(ctx.queryParam("reason"), "reason");
    Outcomes.respond(
        ctx,
        deregistration.unbind(caller, reason),
        moved -> KeyViews.Deregistered.of(moved, Instant.now(clock)));
  }

  public void health(Context ctx) {
    Caller caller = guard.caller(ctx, RateLimitConfig.HEALTH, Role.OWNER, Role.ADMIN, Role.AUDITOR);
    Outcomes.respond(ctx, health.check(caller), HealthView::of);
  }
}
