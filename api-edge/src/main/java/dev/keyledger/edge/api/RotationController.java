package dev.keyledger.edge.api;

import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.StepUpVerifier;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.edge.service.KeyOnboarding;
import dev.keyledger.edge.service.KeyRotations;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Rotation in both dialects, the manual unseal and cryptographic erasure (SPEC §3a, §3b). */
public final class RotationController {

  /** Body of {@code POST /api/v1/byok/keys/rotate}. */
  public record RotateRequest(String rotationType, String reason) {}

  /** Body of {@code POST /admin/tenant-kms/revoke}. */
  public record RevokeRequest(Integer version, String reason, Boolean allowDataLoss) {}

  private final Guard guard;
  private final KeyRotations rotations;

  public RotationController(Guard guard, KeyRotations rotations) {
    this.guard = guard;
    this.rotations = rotations;
  }

  public void rotateByok(Context ctx) {
    KeyOnboarding.Caller caller = guard.caller(ctx, RateLimitConfig.KEYS_ROTATE, Role.OWNER, Role.ADMIN);
    RotateRequest body = ctx.body().isBlank() ? new RotateRequest(null, null) : Bodies.read(ctx, RotateRequest.class);
    KeyRotations.Type type = type(body.rotationType());
    KeyRotations.Rotated rotated = rotations.rotate(caller, type, Bodies.bounded(body.reason(), "reason"), false);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("rotation_id", rotated.rotationId());
    answer.put("rotation_type", type.name().toLowerCase(Locale.ROOT));
    answer.put("previous_dek_id", rotated.previousDekId());
    answer.put("new_dek_id", rotated.newDekId());
    answer.put("new_version", rotated.newTmkVersion());
    answer.put("rewrap_lease_id", rotated.rewrapLeaseId());
    answer.put("status", rotated.rewrapLeaseId() == null ? "completed" : "rewrap_enqueued");
    ctx.json(answer);
  }

  public void rotateAdmin(Context ctx) {
    KeyOnboarding.Caller caller = guard.stepUpCaller(ctx, RateLimitConfig.KEYS_ROTATE, StepUpVerifier.DEFAULT_WINDOW, Role.OWNER, Role.ADMIN);
    KeyRotations.Rotated rotated = rotations.rotate(caller, KeyRotations.Type.MASTER, "admin rotation", false);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("rotated", true);
    answer.put("new_version", rotated.newTmkVersion());
    answer.put("rewrap_lease_id", rotated.rewrapLeaseId());
    ctx.json(answer);
  }

  public void unseal(Context ctx) {
    KeyOnboarding.Caller caller = guard.stepUpCaller(ctx, null, StepUpVerifier.UNSEAL_WINDOW, Role.OWNER, Role.ADMIN);
    rotations.unseal(caller);
    ctx.json(Map.of("unsealed", true));
  }

  public void revoke(Context ctx) {
    KeyOnboarding.Caller caller = guard.stepUpCaller(ctx, null, StepUpVerifier.DEFAULT_WINDOW, Role.OWNER, Role.ADMIN);
    RevokeRequest body = Bodies.read(ctx, RevokeRequest.class);
    if (body.version() == null || body.version() < 1) {
      throw ApiException.badRequest("invalid_request", "version (a TMK version number) is required", "GET /admin/tenant-kms lists them.");
    }
    long lost = rotations.revoke(caller, body.version(), Bodies.bounded(body.reason(), "reason"), Boolean.TRUE.equals(body.allowDataLoss()));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("revoked", true);
    answer.put("version", body.version());
    answer.put("status", "destroyed");
    answer.put("deks_lost", lost);
    ctx.json(answer);
  }

  private static KeyRotations.Type type(String value) {
    if (value == null) {
      return KeyRotations.Type.DEK;
    }
    try {
      return KeyRotations.Type.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_request", "rotation_type must be dek, master or full", "Default: dek.");
    }
  }
}
