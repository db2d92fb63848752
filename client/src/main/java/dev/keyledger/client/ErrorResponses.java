package dev.keyledger.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.Optional;

/**
 * Turns a non-2xx response into the exception a caller handles: the one place that maps error
 * types.
 */
final class ErrorResponses {

  private final ObjectMapper json;

  ErrorResponses(ObjectMapper json) {
    this.json = json;
  }

  KeyLedgerException toException(int status, HttpHeaders headers, byte[] body) {
    Duration retryAfter = retryAfter(headers).orElse(null);
    String headerRequestId = headers.firstValue("X-Request-Id").orElse(null);
    JsonNode error = errorNode(body);
    if (error == null) {
      return new KeyLedgerException(
          new ErrorInfo(
              status,
              "http_" + status,
              null,
              "HTTP "
                  + status
                  + " without a KeyLedger error body (a proxy or load balancer may have answered)",
              null,
              headerRequestId,
              retryAfter),
          null);
    }
    String requestId = text(error, "request_id");
    ErrorInfo info =
        new ErrorInfo(
            status,
            text(error, "type"),
            text(error, "code"),
            Optional.ofNullable(text(error, "message")).orElse("(no message)"),
            text(error, "hint"),
            requestId != null ? requestId : headerRequestId,
            retryAfter);
    return switch (info.type()) {
      case "tenant_sealed" -> new TenantSealedException(info);
      case "invalid_ciphertext" -> new InvalidCiphertextException(info);
      case "incorrect_key" -> new IncorrectKeyException(info);
      case "key_destroyed" -> new KeyDestroyedException(info);
      default -> byStatus(info);
    };
  }

  private static KeyLedgerException byStatus(ErrorInfo info) {
    return switch (info.status()) {
      case 429 -> new RateLimitedException(info);
      case 401, 403 -> new AuthenticationException(info);
      default -> new KeyLedgerException(info, null);
    };
  }

  /** The {@code error} object when the body is a KeyLedger error body, else null. */
  private JsonNode errorNode(byte[] body) {
    try {
      JsonNode error = json.readTree(body).path("error");
      return error.path("type").isTextual() ? error : null;
    } catch (IOException notJson) {
      // An HTML or plain-text page from something in front of KeyLedger: reported as http_<status>.
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() ? value.asText() : null;
  }

  /** {@code Retry-After} in delta-seconds, the form KeyLedger sends; anything else is ignored. */
  static Optional<Duration> retryAfter(HttpHeaders headers) {
    return headers
        .firstValue("Retry-After")
        .map(String::trim)
        .filter(value -> value.matches("\\d{1,9}"))
        .map(seconds -> Duration.ofSeconds(Long.parseLong(seconds)));
  }
}
