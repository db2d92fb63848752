package dev.keyledger.client;

/**
 * {@code 400 incorrect_key}: the ciphertext needs a DEK this tenant does not have (typically data
 * of another tenant, or of another environment). {@link #detail()} names the DEK id and version the
 * ciphertext asks for. Retrying cannot help.
 */
public final class IncorrectKeyException extends KeyLedgerException {

  private static final long serialVersionUID = 1L;

  IncorrectKeyException(ErrorInfo info) {
    super(info, null);
  }
}
