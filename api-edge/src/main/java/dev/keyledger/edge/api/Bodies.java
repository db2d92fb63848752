package dev.keyledger.edge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.http.Json;
import dev.keyledger.engine.domain.StaticCredentialsDetector;
import io.javalin.http.Context;
import java.util.List;

/**
 * Reads request bodies: bounded size, valid JSON, no static cloud credentials anywhere in them
 * (refused before anything is parsed into a request, never stored or logged), known fields only.
 */
final class Bodies {

  static final int MAX_BODY_BYTES = 64 * 1024;
  static final int MAX_TEXT = 1024;

  private static final ObjectMapper MAPPER = Json.mapper();

  private Bodies() {}

  static <T> T read(Context ctx, Class<T> type) {
    return convert(tree(ctx), type);
  }

  /**
   * Reads a data-plane body: up to {@code maxBytes}, and not scanned for credentials (the payload
   * is the caller's opaque data).
   */
  static <T> T readData(Context ctx, Class<T> type, int maxBytes) {
    String body = ctx.body();
    if (body.length() > maxBytes) {
      throw new ApiException(
          413,
          "payload_too_large",
          null,
          "The request body is larger than " + maxBytes + " bytes",
          "Plaintext is limited to 4 MiB per call.",
          null);
    }
    try {
      return convert(MAPPER.readValue(body.isBlank() ? "null" : body, Object.class), type);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(
          "invalid_request",
          "The request body is not valid JSON",
          "Send Content-Type: application/json.");
    }
  }

  private static <T> T convert(Object tree, Class<T> type) {
    if (tree == null) {
      throw ApiException.badRequest(
          "invalid_request",
          "A JSON request body is required",
          "Send Content-Type: application/json.");
    }
    try {
      return MAPPER.convertValue(tree, type);
    } catch (IllegalArgumentException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UnrecognizedPropertyException unknown) {
        throw ApiException.badRequest(
            "invalid_request",
            "Unknown field \"" + unknown.getPropertyName() + "\"",
            "Known fields: " + unknown.getKnownPropertyIds());
      }
      String detail =
          cause instanceof JsonProcessingException json
              ? json.getOriginalMessage()
              : e.getMessage();
      throw ApiException.badRequest(
          "invalid_request", "The request body does not fit this call: " + detail, null);
    }
  }

  /** The body as a JSON tree (maps, lists, scalars), checked for size and static credentials. */
  static Object tree(Context ctx) {
    String body = ctx.body();
    if (body.length() > MAX_BODY_BYTES) {
      throw new ApiException(
          413,
          "payload_too_large",
          null,
          "The request body is larger than " + MAX_BODY_BYTES + " bytes",
          null,
          null);
    }
    if (body.isBlank()) {
      throw ApiException.badRequest(
          "invalid_request",
          "A JSON request body is required",
          "Send Content-Type: application/json.");
    }
    Object tree;
    try {
      tree = MAPPER.readValue(body, Object.class);
    } catch (JsonProcessingException e) {
      // A StreamConstraintsException (nesting too deep, a number too long) has no location.
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      throw ApiException.badRequest(
          "invalid_request",
          "The request body is not valid JSON" + where,
          "Send Content-Type: application/json with a JSON object.");
    }
    List<String> credentialPaths = StaticCredentialsDetector.findStaticCredentials(tree);
    if (!credentialPaths.isEmpty()) {
      throw ApiException.badRequest(
          "static_credentials_rejected",
          "Static cloud credentials are not accepted (found at "
              + String.join(", ", credentialPaths)
              + "); nothing was stored",
          "Grant access with the key policy (the platform's principal) or a role_arn + external_id that the platform assumes;"
              + " rotate any credential you sent.");
    }
    return tree;
  }

  static String bounded(String value, String field) {
    if (value != null && value.length() > MAX_TEXT) {
      throw ApiException.badRequest(
          "invalid_request", field + " is longer than " + MAX_TEXT + " characters", null);
    }
    return value;
  }
}
