package dev.keyledger.client;

import java.time.Duration;
import java.util.Optional;

/**
 * A KeyLedger call failed. The root of the client's unchecked exception hierarchy.
 *
 * <p>Subclasses name the failures a caller usually handles differently; everything else arrives as
 * this class, distinguished by {@link #type()}:
 *
 * <ul>
 *   <li>the server's error type, e.g. {@code kms_unavailable} ({@code BYOK_006}, after the client's
 *       retries ran out) or {@code internal_error};
 *   <li>{@code http_<status>} when the response carried no KeyLedger error body (a proxy or load
 *       balancer answered);
 *   <li>{@code unreachable} when no response arrived (connection refused or reset, timeout), with
 *       the I/O exception as the cause and {@link #status()} 0;
 *   <li>{@code invalid_response} when a 2xx body was not the documented JSON;
 *   <li>{@code interrupted} when the calling thread was interrupted (its interrupt flag stays set).
 * </ul>
 *
 * <p>Messages never contain plaintext, ciphertext or tokens: only what the server put in its error
 * body plus the status, type, code and request id. Quote {@link #requestId()} when reporting a
 * problem.
 */
public sealed class KeyLedgerException extends RuntimeException
    permits TenantSealedException,
        InvalidCiphertextException,
        IncorrectKeyException,
        KeyDestroyedException,
        RateLimitedException,
        AuthenticationException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;
  private final String code;
  private final String detail;
  private final String hint;
  private final String requestId;
  private final Duration retryAfter;

  KeyLedgerException(ErrorInfo info, Throwable cause) {
    super(info.describe(), cause);
    this.status = info.status();
    this.type = info.type();
    this.code = info.code();
    this.detail = info.message();
    this.hint = info.hint();
    this.requestId = info.requestId();
    this.retryAfter = info.retryAfter();
  }

  /** The HTTP status, or 0 when no response arrived. */
  public int status() {
    return status;
  }

  /** The error type: the server's {@code error.type}, or one of the client's own listed above. */
  public String type() {
    return type;
  }

  /** The server's stable error code such as {@code BYOK_006}, when it sent one. */
  public Optional<String> code() {
    return Optional.ofNullable(code);
  }

  /**
   * The server's {@code error.message} alone (or the client's own description); {@link
   * #getMessage()} adds the other fields.
   */
  public String detail() {
    return detail;
  }

  /** The server's advice on how to fix the problem, when it gave some. */
  public Optional<String> hint() {
    return Optional.ofNullable(hint);
  }

  /** The request id ({@code req_...}) from the error body or the {@code X-Request-Id} header. */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** The server's {@code Retry-After}, when the last response carried one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
