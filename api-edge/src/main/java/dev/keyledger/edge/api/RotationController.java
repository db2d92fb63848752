package dev.keyledger.edge.api;

import dev.keyledger.application.Caller;
import dev.keyledger.application.KeyRotations;
import dev.keyledger.application.ManualUnseal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.StepUpVerifier;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.http.Outcomes;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.engine.domain.BindingStatus;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;

/** Rotation in both dialects, the manual unseal and cryptographic erasure (SPEC §3a, §3b). */
public final class RotationController {

  /** Body of {@code POST /api/v1/byok/keys/rotate}. */
  public record RotateRequest(String rotationType, String reason) {}

  /** Body of {@code POST /admin/tenant-kms/revoke}. */
  public record RevokeRequest(
      Integer version,
      String reason,
      Boolean allowDataLoss,
      Boolean endByok,
      String confirmTenant) {}

  record ByokRotated(
      String rotationId,
      String rotationType,
      String previousDekId,
      String newDekId,
      Integer newVersion,
      Long rewrapLeaseId,
      String status) {

    static ByokRotated of(KeyRotations.Type type, KeyRotations.Rotated r) {
      return new ByokRotated(
          r.rotationId(),
          type.name().toLowerCase(Locale.ROOT),
          r.previousDekId(),
          r.newDekId(),
          r.newTmkVersion(),
          r.rewrapLeaseId(),
          r.rewrapLeaseId() == null ? "completed" : "rewrap_enqueued");
    }
  }

  record AdminRotated(boolean rotated, Integer newVersion, Long rewrapLeaseId) {}

  record Unsealed(boolean unsealed) {}

  record Revoked(boolean revoked, int version, String status, long deksLost) {}

  record ByokEnded(
      boolean revoked,
      int version,
      String status,
      String bindingStatus,
      List<Integer> destroyedVersions,
      long deksLost,
      String message) {}

  private final Guard guard;
  private final KeyRotations rotations;
  private final ManualUnseal unseal;

  public RotationController(Guard guard, KeyRotations rotations, ManualUnseal unseal) {
    this.guard = guard;
    this.rotations = rotations;
    this.unseal = unseal;
  }

  public void rotateByok(Context ctx) {
    Caller caller = guard.caller(ctx, RateLimitConfig.KEYS_ROTATE, Role.OWNER, Role.ADMIN);
    RotateRequest body =
        Bodies.readOptional(ctx, RotateRequest.class, new RotateRequest(null, null));
    KeyRotations.Type type = type(body.rotationType());
    Outcomes.respond(
        ctx,
        rotations.rotate(caller, type, Bodies.bounded(body.reason(), "reason"), false),
        r -> ByokRotated.of(type, r));
  }

  public void rotateAdmin(Context ctx) {
    Caller caller =
        guard.stepUpCaller(
            ctx,
            RateLimitConfig.KEYS_ROTATE,
            StepUpVerifier.DEFAULT_WINDOW,
            Role.OWNER,
            Role.ADMIN);
    Outcomes.respond(
        ctx,
        rotations.rotate(caller, KeyRotations.Type.MASTER, "admin rotation", false),
        r -> new AdminRotated(true, r.newTmkVersion(), r.rewrapLeaseId()));
  }

  public void unseal(Context ctx) {
    Caller caller =
        guard.stepUpCaller(ctx, null, StepUpVerifier.UNSEAL_WINDOW, Role.OWNER, Role.ADMIN);
    Outcomes.respond(ctx, unseal.unseal(caller), done -> new Unsealed(true));
  }

  public void revoke(Context ctx) {
    Caller caller =
        guard.stepUpCaller(ctx, null, StepUpVerifier.DEFAULT_WINDOW, Role.OWNER, Role.ADMIN);
    RevokeRequest body = Bodies.read(ctx, RevokeRequest.class);
    if (body.version() == null || body.version() < 1) {
      throw ApiException.badRequest(
          "invalid_request",
          "version (a TMK version number) is required",
          "GET /admin/tenant-kms lists them.");
    }
    if (Boolean.TRUE.equals(body.endByok())) {
      Outcomes.respond(
          ctx,
          rotations.endByok(
              caller,
              body.version(),
              Bodies.bounded(body.confirmTenant(), "confirm_tenant"),
              Bodies.bounded(body.reason(), "reason")),
          ended ->
              new ByokEnded(
                  true,
                  body.version(),
                  "destroyed",
                  BindingStatus.REVOKED.wire(),
                  ended.destroyedVersions(),
                  ended.deksLost(),
                  "BYOK ended by cryptographic erasure: data under the destroyed versions is"
                      + " unrecoverable; new data gets platform-managed keys."));
      return;
    }
    Outcomes.respond(
        ctx,
        rotations.revoke(
            caller,
            body.version(),
            Bodies.bounded(body.reason(), "reason"),
            Boolean.TRUE.equals(body.allowDataLoss())),
        lost -> new Revoked(true, body.version(), "destroyed", lost));
  }

  private static KeyRotations.Type type(String value) {
    if (value == null) {
      return KeyRotations.Type.DEK;
    }
    try {
      return KeyRotations.Type.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "invalid_request", "rotation_type must be dek, master or full", "Default: dek.");
    }
  }
}
