package dev.keyledger.edge.http;

import dev.keyledger.avro.Refusal;

/**
 * A request the edge answers with an error body. The one place that turns it into JSON is
 * {@link ErrorHandlers}; handlers only throw.
 */
public final class ApiException extends RuntimeException {

  private final int status;
  private final String type;
  private final String code;
  private final String hint;
  private final Integer retryAfterSeconds;

  public ApiException(int status, String type, String code, String message, String hint, Integer retryAfterSeconds) {
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
    return new ApiException(503, type, null, message, "Retry after " + retryAfterSeconds + " s.", retryAfterSeconds);
  }

  /** A domain refusal as the fold gave it. */
  public static ApiException of(Refusal refusal) {
    return new ApiException(refusal.getHttpStatus(), refusal.getType(), refusal.getCode(), refusal.getMessage(), refusal.getHint(), null);
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
}
