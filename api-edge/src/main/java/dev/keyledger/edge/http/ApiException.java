package dev.keyledger.edge.http;

import dev.keyledger.avro.Refusal;
import dev.keyledger.engine.domain.RefusalKind;
import dev.keyledger.engine.domain.Refusals;

/**
 * A request the edge refuses itself (unreadable input, a rate limit) before any use case runs. The
 * one place that turns it into JSON is {@link ErrorHandlers}; use cases answer with outcomes
 * instead.
 */
public final class ApiException extends RuntimeException {

  private final int status;
  private final String type;
  private final String code;
  private final String hint;
  private final Integer retryAfterSeconds;

  public ApiException(
      int status,
      String type,
      String code,
      String message,
      String hint,
      Integer retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.code = code;
    this.hint = hint;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiException badRequest(String type, String message, String hint) {
    return new ApiException(400, type, null, message, hint, null);
  }

  public static ApiException unavailable(String type, String message, int retryAfterSeconds) {
    return new ApiException(
        503, type, null, message, "Retry after " + retryAfterSeconds + " s.", retryAfterSeconds);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String code() {
    return code;
  }

  public String hint() {
    return hint;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** True for a refusal of the request itself (4xx), as opposed to "not now" (5xx). */
  public boolean isRequestRefusal() {
    return status >= 400 && status < 500;
  }

  /** This refusal as the audit records it. */
  public Refusal asRefusal() {
    return Refusals.of(type, code, RefusalKind.INVALID_REQUEST, getMessage(), hint);
  }
}
