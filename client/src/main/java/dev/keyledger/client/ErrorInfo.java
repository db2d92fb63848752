package dev.keyledger.client;

import java.time.Duration;

/**
 * What one failed call came to: the fields of the error body plus what the transport knew. {@code
 * status} is 0 when no HTTP response arrived; the nullable fields were absent on the wire.
 */
record ErrorInfo(
    int status,
    String type,
    String code,
    String message,
    String hint,
    String requestId,
    Duration retryAfter) {

  /** A failure without an HTTP response (I/O, interrupt). */
  static ErrorInfo local(String type, String message) {
    return new ErrorInfo(0, type, null, message, null, null, null);
  }

  /** One line for logs: type, status, code, request id, message and hint; never a body. */
  String describe() {
    StringBuilder line = new StringBuilder(type);
    if (status != 0) {
      line.append(" (HTTP ").append(status);
      if (code != null) {
        line.append(", ").append(code);
      }
      if (requestId != null) {
        line.append(", ").append(requestId);
      }
      line.append(')');
    }
    line.append(": ").append(message);
    if (hint != null) {
      line.append(" Hint: ").append(hint);
    }
    return line.toString();
  }
}
