package dev.keyledger.edge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.http.Json;
import dev.keyledger.edge.http.RequestLimits;
import dev.keyledger.engine.domain.StaticCredentialsDetector;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Reads request bodies: bounded size ({@link RequestLimits}), strictly decoded text in the charset
 * the request names (UTF-8 when it names none), valid JSON without duplicate keys, valid Unicode in
 * every string, no static cloud credentials anywhere (refused before anything is parsed into a
 * request, never stored or logged), known fields only. Every failure is an {@link ApiException}
 * with the SPEC error body.
 */
final class Bodies {

  private static final ObjectMapper MAPPER = Json.mapper();
  private static final String SEND_JSON = "Send Content-Type: application/json with a JSON object.";

  private Bodies() {}

  /** A required JSON body of {@code type}. */
  static <T> T read(Context ctx, Class<T> type) {
    String body = text(ctx, RequestLimits.MAX_JSON_BODY_BYTES, null);
    if (body.isBlank()) {
      throw ApiException.badRequest(
          "invalid_request", "A JSON request body is required", SEND_JSON);
    }
    return convert(tree(body), type);
  }

  /** An optional JSON body of {@code type}: {@code absent} when the body is empty or blank. */
  static <T> T readOptional(Context ctx, Class<T> type, T absent) {
    String body = text(ctx, RequestLimits.MAX_JSON_BODY_BYTES, null);
    return body.isBlank() ? absent : convert(tree(body), type);
  }

  /**
   * Reads a data-plane body: up to {@link RequestLimits#MAX_DATA_BODY_BYTES}, and not scanned for
   * credentials or checked string by string (the payload is the caller's opaque data, and the use
   * case checks the context).
   */
  static <T> T readData(Context ctx, Class<T> type) {
    String body =
        text(
            ctx,
            RequestLimits.MAX_DATA_BODY_BYTES,
            "Plaintext is limited to 4 MiB per call; lease a data key for more.");
    return convert(parse(body.isBlank() ? "null" : body), type);
  }

  private static <T> T convert(Object tree, Class<T> type) {
    if (tree == null) {
      throw ApiException.badRequest(
          "invalid_request", "A JSON request body is required", SEND_JSON);
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

  /** A body as a JSON tree (maps, lists, scalars), checked for valid Unicode and credentials. */
  private static Object tree(String body) {
    Object tree = parse(body);
    String notUnicode = firstInvalidString(tree, "");
    if (notUnicode != null) {
      throw ApiException.badRequest(
          "invalid_request",
          "The request body has a string that is not valid Unicode (a lone surrogate) at "
              + (notUnicode.isEmpty() ? "the top level" : notUnicode),
          "Escape characters outside the BMP as a surrogate pair, or send them as UTF-8.");
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

  /** {@code value} when it is at most {@link RequestLimits#MAX_TEXT_CHARS} long (or null). */
  static String bounded(String value, String field) {
    if (value != null && value.length() > RequestLimits.MAX_TEXT_CHARS) {
      throw ApiException.badRequest(
          "invalid_request",
          field + " is longer than " + RequestLimits.MAX_TEXT_CHARS + " characters",
          null);
    }
    return value;
  }

  /**
   * A list of texts: empty when absent, at most {@link RequestLimits#MAX_LIST_ENTRIES} entries,
   * none null, each {@link #bounded}.
   */
  static List<String> texts(List<String> values, String field) {
    if (values == null) {
      return List.of();
    }
    if (values.size() > RequestLimits.MAX_LIST_ENTRIES) {
      throw ApiException.badRequest(
          "invalid_request",
          field + " has more than " + RequestLimits.MAX_LIST_ENTRIES + " entries",
          null);
    }
    for (String value : values) {
      if (value == null) {
        throw ApiException.badRequest(
            "invalid_request", field + " must not hold null", "Send strings only.");
      }
      bounded(value, field + "[]");
    }
    return values;
  }

  /** The body decoded in its charset, at most {@code maxBytes} long. */
  private static String text(Context ctx, int maxBytes, String tooLargeHint) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length > maxBytes) {
      throw new ApiException(
          413,
          "payload_too_large",
          null,
          "The request body is larger than " + maxBytes + " bytes",
          tooLargeHint,
          null);
    }
    Charset charset = charset(ctx);
    try {
      return charset
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest(
          "invalid_request",
          "The request body is not valid " + charset.name(),
          "Send the body in UTF-8, or name its charset in Content-Type.");
    }
  }

  /** The charset the request's Content-Type names, UTF-8 when it names none. */
  private static Charset charset(Context ctx) {
    String name = ctx.characterEncoding();
    if (name == null) {
      return StandardCharsets.UTF_8;
    }
    try {
      return Charset.forName(name);
    } catch (IllegalArgumentException e) {
      // IllegalCharsetNameException and UnsupportedCharsetException both
      throw new ApiException(
          415,
          "unsupported_media_type",
          null,
          "The charset named in Content-Type is not supported",
          "Send Content-Type: application/json (UTF-8).",
          null);
    }
  }

  private static Object parse(String body) {
    try {
      return MAPPER.readValue(body, Object.class);
    } catch (StreamConstraintsException e) {
      throw ApiException.badRequest(
          "invalid_request",
          "The request body is over a JSON limit: nesting deeper than "
              + RequestLimits.MAX_JSON_DEPTH
              + " levels or a number longer than "
              + RequestLimits.MAX_JSON_NUMBER_CHARS
              + " characters",
          "See Limits in the API reference (README.md).");
    } catch (JsonProcessingException e) {
      String original = e.getOriginalMessage();
      String what =
          original != null && original.startsWith("Duplicate field ")
              ? "has a duplicate key: " + original.substring("Duplicate field ".length())
              : "is not valid JSON";
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      throw ApiException.badRequest(
          "invalid_request", "The request body " + what + where, SEND_JSON);
    }
  }

  /**
   * The path of the first key or string in {@code node} that is not valid Unicode (a lone surrogate
   * from a {@code \\uD800}-style escape), or null when there is none. Nesting is bounded by the
   * parser ({@link RequestLimits#MAX_JSON_DEPTH}).
   */
  private static String firstInvalidString(Object node, String path) {
    if (node instanceof String text) {
      return isUnicode(text) ? null : path;
    }
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = (String) e.getKey();
        String at = path.isEmpty() ? key : path + "." + key;
        if (!isUnicode(key)) {
          return path.isEmpty() ? "a key" : "a key in " + path;
        }
        String found = firstInvalidString(e.getValue(), at);
        if (found != null) {
          return found;
        }
      }
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        String found = firstInvalidString(list.get(i), path + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static boolean isUnicode(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
