package dev.keyledger.edge.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code {"error":{"type","code"?,"message","hint"?,"request_id"}}}: the error body of every
 * endpoint.
 */
public record ErrorBody(Error error) {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Error(String type, String code, String message, String hint, String requestId) {}

  public static ErrorBody of(
      String type, String code, String message, String hint, String requestId) {
    return new ErrorBody(new Error(type, code, message, hint, requestId));
  }
}
