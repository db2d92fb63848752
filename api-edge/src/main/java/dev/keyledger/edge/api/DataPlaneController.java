package dev.keyledger.edge.api;

import dev.keyledger.application.Caller;
import dev.keyledger.application.DataPlane;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.http.Outcomes;
import io.javalin.http.Context;
import java.util.Base64;
import java.util.Map;

/**
 * {@code POST /api/v1/byok/encrypt} and {@code /decrypt}: the data plane (roles agent, admin,
 * owner).
 */
public final class DataPlaneController {

  /** Bodies: base64 data and the caller's optional context (bound as AAD). */
  public record EncryptRequest(String plaintext, Map<String, String> context) {}

  public record DecryptRequest(String ciphertext, Map<String, String> context) {}

  static final int MAX_BODY_BYTES = 6 * 1024 * 1024;

  private final Guard guard;
  private final DataPlane dataPlane;

  public DataPlaneController(Guard guard, DataPlane dataPlane) {
    this.guard = guard;
    this.dataPlane = dataPlane;
  }

  record EncryptResponse(String ciphertext, int keyVersion, String dekId, int tmkVersion) {}

  record DecryptResponse(String plaintext, int keyVersion, String dekId) {}

  public void encrypt(Context ctx) {
    Caller caller = guard.caller(ctx, null, Role.AGENT, Role.ADMIN, Role.OWNER);
    EncryptRequest body = Bodies.readData(ctx, EncryptRequest.class, MAX_BODY_BYTES);
    byte[] plaintext = base64(body.plaintext(), "plaintext");
    Outcomes.respond(
        ctx,
        dataPlane.encrypt(caller, plaintext, context(body.context())),
        e ->
            new EncryptResponse(
                Base64.getEncoder().encodeToString(e.ciphertext()),
                e.dekVersion(),
                e.dekId(),
                e.tmkVersion()));
  }

  public void decrypt(Context ctx) {
    Caller caller = guard.caller(ctx, null, Role.AGENT, Role.ADMIN, Role.OWNER);
    DecryptRequest body = Bodies.readData(ctx, DecryptRequest.class, MAX_BODY_BYTES);
    byte[] ciphertext = base64(body.ciphertext(), "ciphertext");
    Outcomes.respond(
        ctx,
        dataPlane.decrypt(caller, ciphertext, context(body.context())),
        d ->
            new DecryptResponse(
                Base64.getEncoder().encodeToString(d.plaintext()), d.dekVersion(), d.dekId()));
  }

  private static byte[] base64(String value, String field) {
    if (value == null) {
      throw ApiException.badRequest("invalid_request", field + " is required (base64)", null);
    }
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "invalid_request",
          field + " is not valid base64",
          "Use standard base64 with padding (RFC 4648).");
    }
  }

  private static Map<String, String> context(Map<String, String> context) {
    if (context == null) {
      return Map.of();
    }
    if (context.size() > 32) {
      throw ApiException.badRequest("invalid_request", "context has more than 32 entries", null);
    }
    context.forEach(
        (k, v) -> {
          if (k.length() > 256 || v == null || v.length() > 1024) {
            throw ApiException.badRequest(
                "invalid_request",
                "context keys are at most 256 and values at most 1024 characters, not null",
                null);
          }
        });
    return context;
  }
}
