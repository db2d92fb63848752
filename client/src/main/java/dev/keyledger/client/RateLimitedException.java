package dev.keyledger.client;

/**
 * {@code 429 rate_limit_exceeded}: the caller's rate limit was still exceeded after the client's
 * retries. {@link #retryAfter()} says when the server expects to accept the call again.
 */
public final class RateLimitedException extends KeyLedgerException {

  private static final long serialVersionUID = 1L;

  RateLimitedException(ErrorInfo info) {
    super(info, null);
  }
}
