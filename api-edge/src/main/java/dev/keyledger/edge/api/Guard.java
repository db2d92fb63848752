package dev.keyledger.edge.api;

import dev.keyledger.application.Caller;
import dev.keyledger.application.CountedRefusals;
import dev.keyledger.edge.auth.AccessControl;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.http.ClientAddress;
import dev.keyledger.edge.http.RequestIds;
import dev.keyledger.edge.ratelimit.RateLimitResult;
import dev.keyledger.edge.ratelimit.RateLimiter;
import dev.keyledger.engine.domain.RefusalKind;
import dev.keyledger.engine.domain.Refusals;
import io.javalin.http.Context;
import java.time.Duration;

/**
 * What every handler does first: authenticate, check roles (and step-up), then rate-limit by {@code
 * sub}.
 */
public final class Guard {

  private final AccessControl access;
  private final RateLimiter limiter;
  private final CountedRefusals audit;

  /**
   * @param audit counts each refusal of a rate limit for the tenant's audit trail
   */
  public Guard(AccessControl access, RateLimiter limiter, CountedRefusals audit) {
    this.access = access;
    this.limiter = limiter;
    this.audit = audit;
  }

  /**
   * @param limit a rate limit name of {@code RateLimitConfig}, or null for none
   */
  public Caller caller(Context ctx, String limit, Role... roles) {
    return limited(ctx, limit, access.require(ctx, roles));
  }

  /**
   * As {@link #caller} for a destructive call: also needs a step-up token issued within {@code
   * window}.
   */
  public Caller stepUpCaller(Context ctx, String limit, Duration window, Role... roles) {
    return limited(ctx, limit, access.requireStepUp(ctx, window, roles));
  }

  private Caller limited(Context ctx, String limit, Principal principal) {
    if (limit != null) {
      RateLimitResult result = limiter.tryConsume(limit, principal.sub());
      if (!result.allowed()) {
        audit.refused(
            principal.org(),
            principal.sub(),
            CountedRefusals.RATE_LIMIT,
            Refusals.of(
                "rate_limit_exceeded",
                "RATE_LIMIT_EXCEEDED",
                RefusalKind.UNAVAILABLE,
                "Too many requests (" + limit + ")",
                null));
        throw new ApiException(
            429,
            "rate_limit_exceeded",
            "RATE_LIMIT_EXCEEDED",
            "Too many requests (" + limit + ")",
            "Retry after " + result.retryAfterSeconds() + " s.",
            (int) result.retryAfterSeconds());
      }
    }
    return new Caller(
        principal.sub(),
        principal.org(),
        principal.roles().stream().map(Role::wireName).toList(),
        ClientAddress.of(ctx),
        RequestIds.of(ctx));
  }
}
