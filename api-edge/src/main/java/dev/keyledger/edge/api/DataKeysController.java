package dev.keyledger.edge.api;

import dev.keyledger.application.Caller;
import dev.keyledger.application.DataKeyLeasing;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.http.Outcomes;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * {@code POST /api/v1/byok/data-keys}: leases the tenant's active DEK to a high-volume caller
 * (roles agent, platform), which encrypts locally in the same envelope format until {@code
 * expires_at}. The answer carries plaintext key bytes: never cached, never logged.
 */
public final class DataKeysController {

  /** Body (optional): how many encryptions to reserve. */
  public record LeaseRequest(Long encryptions) {}

  record LeaseResponse(
      String tenantId,
      String dekId,
      int keyVersion,
      String key,
      Instant expiresAt,
      long ttlSeconds,
      long encryptions) {

    @Override
    public String toString() {
      return "LeaseResponse[dek=" + dekId + " v" + keyVersion + ", key=<redacted>]";
    }
  }

  private final Guard guard;
  private final DataKeyLeasing leasing;
  private final Clock clock;

  public DataKeysController(Guard guard, DataKeyLeasing leasing, Clock clock) {
    this.guard = guard;
    this.leasing = leasing;
    this.clock = clock;
  }

  public void lease(Context ctx) {
    Caller caller = guard.caller(ctx, RateLimitConfig.DATA_KEYS, Role.AGENT, Role.PLATFORM);
    LeaseRequest body = Bodies.readOptional(ctx, LeaseRequest.class, new LeaseRequest(null));
    long encryptions = encryptions(body.encryptions());
    ctx.header("Cache-Control", "no-store");
    Outcomes.respond(
        ctx,
        leasing.lease(caller, encryptions),
        lease -> {
          String key = Base64.getEncoder().encodeToString(lease.key());
          Arrays.fill(lease.key(), (byte) 0);
          return new LeaseResponse(
              lease.tenantId(),
              lease.dekId(),
              lease.dekVersion(),
              key,
              lease.expiresAt(),
              Math.max(0, Duration.between(clock.instant(), lease.expiresAt()).toSeconds()),
              lease.encryptions());
        });
  }

  private static long encryptions(Long requested) {
    if (requested == null) {
      return DataKeyLeasing.DEFAULT_BLOCK;
    }
    if (requested < 1 || requested > DataKeyLeasing.DEFAULT_BLOCK) {
      throw ApiException.badRequest(
          "invalid_request",
          "encryptions must be an integer from 1 to " + DataKeyLeasing.DEFAULT_BLOCK,
          "Leave it out for the default of " + DataKeyLeasing.DEFAULT_BLOCK + ".");
    }
    return requested;
  }
}
