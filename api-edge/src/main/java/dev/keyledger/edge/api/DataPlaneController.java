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

  /**
   * Bodies: base64 data and the caller's optional context (bound as AAD; the use case holds it to
   * the envelope's limits).
   */
  public record EncryptRequest(String plaintext, Map<String, String> context) {}

  public record DecryptRequest(String ciphertext, Map<String, String> context) {}

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
    EncryptRequest body = Bodies.readData(ctx, EncryptRequest.class);
    byte[] plaintext = base64(body.plaintext(), "plaintext");
    Outcomes.respond(
        ctx,
        dataPlane.encrypt(caller, plaintext, body.context()),
        e ->
            new EncryptResponse(
                Base64.getEncoder().encodeToString(e.ciphertext()),
                e.dekVersion(),
                e.dekId(),
                e.tmkVersion()));
  }

  public void decrypt(Context ctx) {
    Caller caller = guard.caller(ctx, null, Role.AGENT, Role.ADMIN, Role.OWNER);
    DecryptRequest body = Bodies.readData(ctx, DecryptRequest.class);
    byte[] ciphertext = base64(body.ciphertext(), "ciphertext");
    Outcomes.respond(
        ctx,
        dataPlane.decrypt(caller, ciphertext, body.context()),
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
}
