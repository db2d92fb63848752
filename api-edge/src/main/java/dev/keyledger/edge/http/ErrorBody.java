package dev.keyledger.edge.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code {"error":{"type","code"?,"message","hint"?,"reason"?,"request_id"}}}: the error body of
 * every endpoint; {@code reason} names the KMS failure behind a refusal KMS made ({@code
 * access_denied}, {@code disabled}, {@code wrong_region}, {@code throttled}...).
 */
public record ErrorBody(Error error) {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Error(
      String type, String code, String message, String hint, String reason, String requestId) {}

  public static ErrorBody of(
      String type, String code, String message, String hint, String requestId) {
    return of(type, code, message, hint, null, requestId);
  }

  public static ErrorBody of(
      String type, String code, String message, String hint, String reason, String requestId) {
    return new ErrorBody(new Error(type, code, message, hint, reason, requestId));
  }
}
