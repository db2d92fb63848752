package dev.keyledger.edge.auth;

import java.util.Objects;

/**
 * A request refused by authentication or authorisation. Carries a stable {@link AuthError} and a
 * hint for the caller; neither ever contains the token, a secret, or a claim value other than a
 * role name. The edge maps it, in one place, to the error body with {@link AuthError#httpStatus()}.
 */
public final class AuthException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final AuthError error;
  private final String hint;

  /**
   * @param error the stable reason
   * @param message a short human sentence, safe to return to the caller
   * @param hint what the caller can do about it, safe to return to the caller
   */
  public AuthException(AuthError error, String message, String hint) {
    super(message);
    this.error = Objects.requireNonNull(error, "error");
    this.hint = Objects.requireNonNull(hint, "hint");
  }

  public AuthError error() {
    return error;
  }

  /** Shorthand for {@code error().code()}. */
  public String code() {
    return error.code();
  }

  public String hint() {
    return hint;
  }
}
