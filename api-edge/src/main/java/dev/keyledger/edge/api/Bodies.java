package dev.keyledger.edge.api;

import dev.keyledger.edge.http.ApiException;
import io.javalin.http.Context;

/** Reads and bounds request bodies. */
final class Bodies {

  static final int MAX_BODY_BYTES = 64 * 1024;
  static final int MAX_TEXT = 1024;

  private Bodies() {}

  static <T> T read(Context ctx, Class<T> type) {
    String body = ctx.body();
    if (body.length() > MAX_BODY_BYTES) {
      throw new ApiException(413, "payload_too_large", null, "The request body is larger than " + MAX_BODY_BYTES + " bytes", null, null);
    }
    if (body.isBlank()) {
      throw ApiException.badRequest("invalid_request", "A JSON request body is required", "Send Content-Type: application/json.");
    }
    return ctx.bodyAsClass(type);
  }

  static String bounded(String value, String field) {
    if (value != null && value.length() > MAX_TEXT) {
      throw ApiException.badRequest("invalid_request", field + " is longer than " + MAX_TEXT + " characters", null);
    }
    return value;
  }
}
