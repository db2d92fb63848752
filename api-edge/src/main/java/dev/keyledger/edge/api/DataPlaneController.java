package dev.keyledger.edge.api;

import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.service.DataPlane;
import dev.keyledger.edge.service.KeyOnboarding;
import io.javalin.http.Context;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code POST /api/v1/byok/encrypt} and {@code /decrypt}: the data plane (roles agent, admin, owner). */
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

  public void encrypt(Context ctx) {
    KeyOnboarding.Caller caller = guard.caller(ctx, null, Role.AGENT, Role.ADMIN, Role.OWNER);
    EncryptRequest body = Bodies.readData(ctx, EncryptRequest.class, MAX_BODY_BYTES);
    byte[] plaintext = base64(body.plaintext(), "plaintext");
    DataPlane.Encrypted encrypted = dataPlane.encrypt(caller.tenant(), plaintext, context(body.context()));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("ciphertext", Base64.getEncoder().encodeToString(encrypted.ciphertext()));
    answer.put("key_version", encrypted.dekVersion());
    answer.put("dek_id", encrypted.dekId());
    answer.put("tmk_version", encrypted.tmkVersion());
    ctx.json(answer);
  }

  public void decrypt(Context ctx) {
    KeyOnboarding.Caller caller = guard.caller(ctx, null, Role.AGENT, Role.ADMIN, Role.OWNER);
    DecryptRequest body = Bodies.readData(ctx, DecryptRequest.class, MAX_BODY_BYTES);
    DataPlane.Decrypted decrypted = dataPlane.decrypt(caller.tenant(), base64(body.ciphertext(), "ciphertext"), context(body.context()));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("plaintext", Base64.getEncoder().encodeToString(decrypted.plaintext()));
    answer.put("key_version", decrypted.dekVersion());
    answer.put("dek_id", decrypted.dekId());
    ctx.json(answer);
  }

  private static byte[] base64(String value, String field) {
    if (value == null) {
      throw ApiException.badRequest("invalid_request", field + " is required (base64)", null);
    }
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_request", field + " is not valid base64", "Use standard base64 with padding (RFC 4648).");
    }
  }

  private static Map<String, String> context(Map<String, String> context) {
    if (context == null) {
      return Map.of();
    }
    if (context.size() > 32) {
      throw ApiException.badRequest("invalid_request", "context has more than 32 entries", null);
    }
    context.forEach((k, v) -> {
      if (k.length() > 256 || v == null || v.length() > 1024) {
        throw ApiException.badRequest("invalid_request", "context keys are at most 256 and values at most 1024 characters, not null", null);
      }
    });
    return context;
  }
}
