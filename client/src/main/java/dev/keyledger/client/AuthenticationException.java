package dev.keyledger.client;

/**
 * {@code 401} or {@code 403}: the token was missing, malformed, expired or badly signed ({@code
 * missing_token}, {@code invalid_token}, {@code token_expired}), or its roles do not allow the call
 * ({@code forbidden}). {@link #type()} says which. Not retried: refresh the token (the client asks
 * its token supplier again on every request) or fix the roles.
 */
public final class AuthenticationException extends KeyLedgerException {

  private static final long serialVersionUID = 1L;

  AuthenticationException(ErrorInfo info) {
    super(info, null);
  }
}
